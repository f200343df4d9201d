package org.fluxion.onnx;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * Cast between numbers and strings (ONNX's Cast and CastLike with a STRING side), elementwise, same shape.
 *
 * <p>Numbers to strings are written as NumPy's {@code str()} writes them, which is what the ONNX test data
 * hold: the shortest decimal that reads back as the same value of the source type, positional when
 * {@code 1e-4 <= |x| < 1e16} ({@code 0.039187793}, {@code 3.0}), else scientific with a signed exponent of
 * at least two digits ({@code 1e-05}, {@code 1.5e+16}); {@code nan}, {@code inf}, {@code -inf}; integers in
 * decimal; booleans {@code True}/{@code False}.
 *
 * <p>Strings to numbers accept plain and scientific literals ({@code 3.14}, {@code 1E8}) with optional
 * surrounding white space, and, ignoring case, {@code NaN}, {@code INF}, {@code +INF}, {@code -INF} (also
 * spelled {@code infinity}). A literal with a fraction or exponent cast to an integer type is truncated toward
 * zero (ONNX leaves it undefined); a string cast to BOOL is true when its number is not zero. Anything else is
 * an error naming the node, the element and the string.
 *
 * <p>Strings are data, not numbers: a cast from a value that is traced by {@code jit}, batched by {@code vmap}
 * or recorded for a derivative fails, naming the node, instead of silently cutting the computation.
 */
final class StringCasts {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private StringCasts() {
    }

    /** {@code x}'s elements as strings, shape kept. */
    static StringTensor format(Node n, Tensor x) {
        Tensor concrete = concrete(n, x);
        int size = concrete.size();
        String[] out = new String[size];
        DType d = concrete.dtype();
        if (d == DType.BOOL) {
            boolean[] a = concrete.toBooleanArray();
            for (int i = 0; i < size; i++) out[i] = a[i] ? "True" : "False";
        } else if (!d.isFloatingPoint()) {
            long[] a = concrete.to(DType.INT64).toLongArray();
            for (int i = 0; i < size; i++) out[i] = Long.toString(a[i]);
        } else {
            // Every float type widens to float64 exactly; the digits are chosen for the source type.
            double[] a = concrete.to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < size; i++) out[i] = formatFloat(a[i], d);
        }
        return new StringTensor(concrete.shape(), Arrays.asList(out));
    }

    /** {@code s}'s elements read as numbers of type {@code to}, shape kept. */
    static Tensor parse(Node n, StringTensor s, DType to) {
        int size = s.size();
        int[] dims = s.dims();
        if (to.isFloatingPoint() || to == DType.BOOL) {
            if (to == DType.FLOAT32) {
                float[] a = new float[size];
                for (int i = 0; i < size; i++) a[i] = (float) number(n, s, i, true);
                return Tensor.of(a, dims);
            }
            double[] a = new double[size];
            for (int i = 0; i < size; i++) a[i] = number(n, s, i, false);
            if (to == DType.BOOL) {
                boolean[] b = new boolean[size];
                for (int i = 0; i < size; i++) b[i] = a[i] != 0;
                return Tensor.of(b, dims);
            }
            return Tensor.of(a, dims).to(to);
        }
        long[] a = new long[size];
        for (int i = 0; i < size; i++) a[i] = integer(n, s, i);
        return Tensor.of(a, dims).to(to);
    }

    /** The value of a concrete tensor, or an error naming the node when {@code x} is traced or transformed. */
    private static Tensor concrete(Node n, Tensor x) {
        if (x.isTraced() || TensorInternals.state(x) != null) {
            throw n.error("cannot cast a value that is traced (jit), batched (vmap) or differentiated to strings: "
                    + "string tensors are not differentiable and cannot be traced");
        }
        return x;
    }

    /**
     * Element {@code i} as a double (a float's value when {@code asFloat}, parsed once so that it rounds
     * once), accepting the literals and special values of the class comment.
     */
    private static double number(Node n, StringTensor s, int i, boolean asFloat) {
        String text = s.values().get(i).strip();
        switch (text.toLowerCase(Locale.ROOT)) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> { }
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw notANumber(n, s, i);
        }
        return asFloat ? Float.parseFloat(text) : Double.parseDouble(text);
    }

    /** Element {@code i} as an integer: exact for integer literals, else the number truncated toward zero. */
    private static long integer(Node n, StringTensor s, int i) {
        String text = s.values().get(i).strip();
        if (INTEGER.matcher(text).matches()) {
            // More than 19 significant digits is out of range: refused before BigInteger parses a long string.
            String digits = text.replaceFirst("^[+-]?0*", "");
            BigInteger v = digits.length() > 19 ? null : new BigInteger(text);
            if (v == null || v.bitLength() > 63) {
                throw n.error("element " + i + " " + quoted(s.values().get(i)) + " is beyond the 64-bit integer range");
            }
            return v.longValue();
        }
        double v = number(n, s, i, false);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw n.error("element " + i + " " + quoted(s.values().get(i)) + " has no integer value");
        }
        return (long) v;
    }

    /** {@code 'text'} for messages, cut after 40 characters: a string can be as long as the file. */
    private static String quoted(String text) {
        if (text.length() <= 40) {
            return "'" + text + "'";
        }
        int end = Character.isHighSurrogate(text.charAt(39)) ? 39 : 40;
        return "'" + text.substring(0, end) + "...' (" + text.length() + " chars)";
    }

    private static OnnxException notANumber(Node n, StringTensor s, int i) {
        return n.error("element " + i + " " + quoted(s.values().get(i)) + " is not a number");
    }

    /** One float of type {@code type} (its value widened to double) as NumPy's {@code str()} writes it. */
    static String formatFloat(double v, DType type) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String sign = (Double.doubleToRawLongBits(v) < 0) ? "-" : "";
        double magnitude = Math.abs(v);
        if (magnitude == 0) {
            return sign + "0.0";
        }
        BigDecimal digits = shortest(magnitude, type).stripTrailingZeros();
        if (magnitude >= 1e-4 && magnitude < 1e16) {
            String plain = digits.toPlainString();
            return sign + (plain.indexOf('.') < 0 ? plain + ".0" : plain);
        }
        String unscaled = digits.unscaledValue().toString();
        int exponent = unscaled.length() - 1 - digits.scale();
        String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
                + Math.abs(exponent);
    }

    /**
     * The shortest decimal that reads back as {@code v} in {@code type}, the nearest to {@code v} among those:
     * the JDK's {@code toString} for float32 and float64 (shortest since JDK 19), else the first precision
     * whose correctly rounded decimal reads back.
     */
    private static BigDecimal shortest(double v, DType type) {
        return switch (type) {
            case FLOAT32 -> new BigDecimal(Float.toString((float) v));
            case FLOAT64 -> new BigDecimal(Double.toString(v));
            default -> {
                BigDecimal exact = new BigDecimal(v);
                for (int p = 1; ; p++) {
                    BigDecimal candidate = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                    if (p >= 17 || readsBack(candidate.doubleValue(), type, v)) {
                        yield candidate;
                    }
                }
            }
        };
    }

    /** True when {@code candidate} rounds to {@code v} in a 16-bit float type. */
    private static boolean readsBack(double candidate, DType type, double v) {
        float f = (float) candidate;
        if (type == DType.FLOAT16) {
            return Float.float16ToFloat(Float.floatToFloat16(f)) == v;
        }
        // bfloat16 is float32's upper half: round the lower 16 bits to nearest, ties to even.
        int bits = Float.floatToRawIntBits(f);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(rounded) == v;
    }
}

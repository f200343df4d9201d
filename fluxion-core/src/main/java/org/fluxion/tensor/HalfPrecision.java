package org.fluxion.tensor;

/**
 * Conversions between the 16-bit floating-point formats and Java's {@code float}, {@code double} and
 * {@code long}, all rounding to nearest, ties to even, as IEEE 754 and PyTorch do.
 *
 * <p>{@code float16} (IEEE binary16): 1 sign, 5 exponent, 10 fraction bits; largest finite 65504,
 * smallest subnormal 2^-24. {@code bfloat16}: the upper half of a float32 (1 sign, 8 exponent, 7 fraction
 * bits), the same range as float32 with 8 significant bits. Both are held as the raw bits in a
 * {@code short}.
 *
 * <p>Every 16-bit value is exactly a float, so widening is exact. Narrowing from a double (or a long) goes
 * through a float rounded to odd: a float has at least two more significant bits than either format,
 * and rounding to odd first then to nearest even gives the correctly rounded result (no double rounding),
 * as NumPy's {@code npy_double_to_half} does directly. PyTorch converts a double to float first, and so
 * differs from this in rare ties (1 + 2^-11 + 2^-40 gives 1 there, 1 + 2^-10 here).
 *
 * <p>NaN: float16 NaNs become the quiet NaN {@code 0x7e00} with the sign kept (PyTorch's bits), bfloat16
 * NaNs {@code 0x7fc0} (c10's scalar conversion).
 */
public final class HalfPrecision {
    /** The quiet NaN of each format, as PyTorch writes it. */
    public static final short FLOAT16_NAN = 0x7e00;
    public static final short BFLOAT16_NAN = 0x7fc0;

    private HalfPrecision() {
    }

    /** The float equal to the float16 with bits {@code h}. */
    public static float float16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** The float16 nearest to {@code f} (ties to even; overflow to infinity, underflow through subnormals). */
    public static short floatToFloat16(float f) {
        if (f != f) {
            return (short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | FLOAT16_NAN);
        }
        return Float.floatToFloat16(f);
    }

    /** The float equal to the bfloat16 with bits {@code b}. */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat(b << 16);
    }

    /**
     * The bfloat16 nearest to {@code f}: add {@code 0x7fff} plus the lowest kept bit, so that exactly half
     * way rounds to the even neighbour, then keep the upper 16 bits (carries into the exponent give the
     * next binade or infinity, as they should).
     */
    public static short floatToBFloat16(float f) {
        if (f != f) {
            return BFLOAT16_NAN;
        }
        int bits = Float.floatToRawIntBits(f);
        return (short) ((bits + 0x7fff + (bits >>> 16 & 1)) >>> 16);
    }

    /** The float16 nearest to {@code d}, correctly rounded (see the class comment). */
    public static short doubleToFloat16(double d) {
        return floatToFloat16(roundToOdd(d));
    }

    /** The bfloat16 nearest to {@code d}, correctly rounded. */
    public static short doubleToBFloat16(double d) {
        return floatToBFloat16(roundToOdd(d));
    }

    /** The float16 nearest to {@code v}, correctly rounded. */
    public static short longToFloat16(long v) {
        return floatToFloat16(roundToOdd(v));
    }

    /** The bfloat16 nearest to {@code v}, correctly rounded. */
    public static short longToBFloat16(long v) {
        return floatToBFloat16(roundToOdd(v));
    }

    /**
     * {@code d} rounded to a float toward zero, with the lowest fraction bit set when that was inexact
     * ("round to odd"): the value keeps the information that it lies strictly between two floats.
     */
    static float roundToOdd(double d) {
        float f = (float) d;
        if ((double) f == d || d != d) {
            return f;
        }
        if (Math.abs((double) f) > Math.abs(d)) {
            f = Math.nextAfter(f, 0.0); // from the nearest to the truncation; infinity becomes the largest float
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) | 1);
    }

    /** {@code v} rounded to a float to odd (see {@link #roundToOdd(double)}). */
    static float roundToOdd(long v) {
        if (Math.abs(v) < 1L << 53) {
            return roundToOdd((double) v); // exactly a double
        }
        float f = v; // correctly rounded to nearest, an integer of at least 2^53
        if (f == 0x1p63f) {
            f = Math.nextAfter(f, 0.0); // above every long: the truncation is the float below
        } else {
            long r = (long) f; // exact: |f| <= 2^63 and -2^63 is a long
            if (r == v) {
                return f;
            }
            if (v > 0 ? r > v : r < v) {
                f = Math.nextAfter(f, 0.0);
            }
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) | 1);
    }
}

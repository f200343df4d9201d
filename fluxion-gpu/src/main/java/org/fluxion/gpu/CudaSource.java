package org.fluxion.gpu;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Instr;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;

/**
 * CUDA C source for an {@link ElementwiseProgram}: the GPU counterpart of fluxion-core's
 * {@code BytecodeGenerator}, with the same meaning as the interpreter's reference (each operation rounds to the
 * program's dtype, as the eager kernels do; compile with {@code --fmad=false} so that {@code a * b + c}
 * is not contracted into one rounding).
 *
 * <p>The source defines {@code __device__ fluxion_element(...)}, the value {@code r(o, i)} of one element
 * (live instructions only), and, by the program's {@link Reduction}:
 * <ul>
 *   <li>{@code NONE}: {@value #ELEMENTWISE}{@code (inputs..., out, outer, inner)}, a grid-stride loop over
 *       {@code n = outer * inner} elements; and, for float32 programs whose inputs are all dense or scalar
 *       and whose result is a float, {@value #ELEMENTWISE_VEC4} with the same parameters, which reads and
 *       writes four elements at a time through {@code float4} (16-byte accesses; every array 16-byte aligned,
 *       which the caller checks), {@link #UNROLL} independent groups per thread and loop trip with all
 *       their loads issued first, read-only loads and streaming stores, and does the last {@code n % 4} one
 *       at a time; the output must not overlap an input except exactly (in place: each element is read
 *       once, by the thread that then writes it);</li>
 *   <li>{@code SUM_INNER}, {@code MAX_INNER}: {@value #ROWS}{@code (inputs..., out, outer, inner)}, one block
 *       per row ({@code gridDim.x = outer}), {@value #BLOCK} threads that stride over the row and fold it in
 *       shared memory;</li>
 *   <li>{@code SUM_ALL}, {@code MAX_ALL}: {@value #PARTIALS}{@code (inputs..., partials, outer, inner)}, a
 *       grid-stride loop leaving one partial per block in {@code double partials[gridDim.x]}, then
 *       {@value #FOLD}{@code (partials, count, out)}, one block folding them.</li>
 * </ul>
 * Inputs are {@code const T*} ({@code T} = {@code float} or {@code double}) or {@code const unsigned char*}
 * for a mask (a Java {@code boolean[]} as bytes 0 / 1); a mask result is written as bytes. Sums are
 * accumulated in double and rounded once; maxima propagate NaN as {@link Math#max} does.
 */
public final class CudaSource {
    /** Threads per block that the reduction kernels are written for. */
    public static final int BLOCK = 256;
    public static final String ELEMENTWISE = "fluxion_elementwise";
    public static final String ELEMENTWISE_VEC4 = "fluxion_elementwise_vec4";
    public static final String ROWS = "fluxion_rows";
    public static final String PARTIALS = "fluxion_partials";
    public static final String FOLD = "fluxion_fold";
    /**
     * The float4 groups each thread of {@value #ELEMENTWISE_VEC4} loads per loop trip before using the first
     * (64 bytes per input in flight per thread). On an H200 (fluxion-gpu/results/h200-summary-run3.txt) the
     * 10-op chain reached 0.73 / 0.79 / 0.79 / 0.81 of the copy bandwidth at 1 / 2 / 4 / 8; 8 costs 4 * 8
     * data registers per input, so 4 stays the default until programs with several inputs are measured.
     */
    public static final int UNROLL = 4;
    public static final int MAX_UNROLL = 8;

    private final ElementwiseProgram p;
    private final List<Instr> code;
    private final boolean[] live;
    private final boolean f32;
    private final String t;
    private final int unroll;

    private CudaSource(ElementwiseProgram p, int unroll) {
        if (unroll < 1 || unroll > MAX_UNROLL) {
            throw new IllegalArgumentException("CudaSource: unroll must be in [1, " + MAX_UNROLL + "], got " + unroll);
        }
        this.p = p;
        this.unroll = unroll;
        this.code = p.instructions();
        this.live = p.live();
        this.f32 = p.dtype() == DType.FLOAT32;
        this.t = f32 ? "float" : "double";
    }

    /** The CUDA C source of {@code p} (deterministic: equal programs give equal text, the cache key). */
    public static String generate(ElementwiseProgram p) {
        return generate(p, UNROLL);
    }

    /**
     * The CUDA C source of {@code p} whose {@value #ELEMENTWISE_VEC4} kernel takes {@code unroll} float4
     * groups per thread and loop trip (1 to {@value #MAX_UNROLL}); the other kernels do not depend on it.
     */
    public static String generate(ElementwiseProgram p, int unroll) {
        return new CudaSource(p, unroll).source();
    }

    /** True when {@link #generate} emits {@value #ELEMENTWISE_VEC4} for {@code p}. */
    public static boolean hasVec4(ElementwiseProgram p) {
        return new CudaSource(p, 1).vec4();
    }

    private boolean vec4() {
        if (!f32 || p.reduction() != Reduction.NONE || p.resultIsMask()) {
            return false;
        }
        for (int j = 0; j < p.inputCount(); j++) {
            if (p.inputType(j) == DType.BOOL || p.inputAccess(j) == Access.ROW || p.inputAccess(j) == Access.COLUMN) {
                return false;
            }
        }
        return true;
    }

    private String source() {
        StringBuilder s = new StringBuilder();
        s.append("// Generated by Fluxion from this ").append(p.dtype().label()).append(" program:\n");
        for (String line : p.toString().split("\n")) {
            s.append("// ").append(line).append('\n');
        }
        s.append(prelude());
        element(s);
        String outType = p.resultIsMask() ? "unsigned char" : t;
        switch (p.reduction()) {
            case NONE -> {
                elementwise(s, outType);
                if (vec4()) {
                    elementwiseVec4(s);
                }
            }
            case SUM_INNER, MAX_INNER -> rows(s);
            case SUM_ALL, MAX_ALL -> all(s);
        }
        return s.toString();
    }

    /**
     * Java's semantics where C's differ (signum, NaN-propagating max/min with -0 < +0, pow's NaN cases),
     * sigmoid with one division (the sign picks the numerator; both branches' divisions would be computed
     * where a warp diverges), and the tests of a value's class written with bit intrinsics only, so that the source needs no header
     * and no macro ({@code NAN}, {@code INFINITY}) from the C library.
     */
    private static String prelude() {
        String common = """
                __device__ __forceinline__ bool fx_isnan($T x) { return x != x; }
                __device__ __forceinline__ bool fx_isinf($T x) { return $fabs(x) == $INF; }
                __device__ __forceinline__ bool fx_isfinite($T x) { return $fabs(x) < $INF; }
                __device__ __forceinline__ bool fx_signbit($T x) { return $BITS(x) < 0; }
                __device__ __forceinline__ $T fx_sign($T x) { return x > 0 ? ($T)1 : x < 0 ? ($T)-1 : x; }
                __device__ __forceinline__ $T fx_max($T a, $T b) { return a != a || b != b ? a + b : a > b ? a : b > a ? b : fx_signbit(a) ? b : a; }
                __device__ __forceinline__ $T fx_min($T a, $T b) { return a != a || b != b ? a + b : a < b ? a : b < a ? b : fx_signbit(a) ? a : b; }
                __device__ __forceinline__ $T fx_pow($T a, $T b) { return b != b || ($fabs(a) == 1 && fx_isinf(b)) ? $NAN : $pow(a, b); }
                __device__ __forceinline__ $T fx_sigmoid($T x) { $T z = $exp(-$fabs(x)); return (x >= 0 ? ($T)1 : z) / (1 + z); }
                """;
        String f = common.replace("$T", "float").replace("$INF", "__int_as_float(0x7f800000)")
                .replace("$NAN", "__int_as_float(0x7fc00000)").replace("$BITS", "__float_as_int")
                .replace("$fabs", "fabsf").replace("$pow", "powf").replace("$exp", "expf");
        String d = common.replace("$T", "double").replace("$INF", "__longlong_as_double(0x7ff0000000000000LL)")
                .replace("$NAN", "__longlong_as_double(0x7ff8000000000000LL)").replace("$BITS", "__double_as_longlong")
                .replace("$fabs", "fabs").replace("$pow", "pow").replace("$exp", "exp");
        return f + d;
    }

    /** The parameters that carry input {@code j} into {@code fluxion_element}: a value, or a pointer for ROW/COLUMN. */
    private String elementParam(int j) {
        Access a = p.inputAccess(j);
        boolean mask = p.inputType(j) == DType.BOOL;
        if (a == Access.ROW || a == Access.COLUMN) {
            return "const " + (mask ? "unsigned char" : t) + "* __restrict__ in" + j;
        }
        return (mask ? "bool" : t) + " x" + j;
    }

    private boolean needsIndex() {
        for (int j = 0; j < p.inputCount(); j++) {
            if (p.inputAccess(j) == Access.ROW || p.inputAccess(j) == Access.COLUMN) {
                return true;
            }
        }
        return false;
    }

    private void element(StringBuilder s) {
        String result = p.resultIsMask() ? "bool" : t;
        List<String> params = new ArrayList<>();
        for (int j = 0; j < p.inputCount(); j++) {
            params.add(elementParam(j));
        }
        params.add("long long o");
        params.add("long long i");
        s.append("__device__ __forceinline__ ").append(result).append(" fluxion_element(")
                .append(String.join(", ", params)).append(") {\n");
        for (int k = 0; k < code.size(); k++) {
            if (live[k]) {
                Instr x = code.get(k);
                s.append("    ").append(x.mask() ? "bool" : t).append(" v").append(k).append(" = ").append(expression(x))
                        .append(";\n");
            }
        }
        s.append("    return v").append(p.result()).append(";\n}\n");
    }

    private String expression(Instr x) {
        int[] a = x.args();
        return switch (x.kind()) {
            case INPUT -> switch (x.access()) {
                case FULL, SCALAR -> "x" + x.inputIndex();
                case ROW -> load(x, "i");
                case COLUMN -> load(x, "o");
            };
            case CONST -> literal(x.constant());
            case UNARY -> unary((UnaryOp) x.op(), "v" + a[0], code.get(a[0]).mask());
            case BINARY -> binary((BinaryOp) x.op(), "v" + a[0], "v" + a[1]);
            case WHERE -> "v" + a[0] + " ? v" + a[1] + " : v" + a[2];
            case TO_FLOAT -> "v" + a[0] + " ? (" + t + ")1 : (" + t + ")0";
        };
    }

    private String load(Instr x, String index) {
        String v = "in" + x.inputIndex() + "[" + index + "]";
        return x.inputType() == DType.BOOL ? "(" + v + " != 0)" : v;
    }

    /** An exact literal: the shortest decimal that round-trips, or the bits of a non-finite value. */
    String literal(double v) {
        if (f32) {
            float f = (float) v;
            return Float.isFinite(f) ? Float.toString(f) + "f"
                    : "__int_as_float(0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")";
        }
        return Double.isFinite(v) ? Double.toString(v)
                : "__longlong_as_double(0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "LL)";
    }

    private static String doubleInfinity() {
        return "__longlong_as_double(0x7ff0000000000000LL)";
    }

    private String fn(String name) {
        return f32 ? name + "f" : name;
    }

    private String unary(UnaryOp op, String x, boolean maskOperand) {
        return switch (op) {
            case NEG -> "-" + x;
            case ABS -> fn("fabs") + "(" + x + ")";
            case SIGN -> "fx_sign(" + x + ")";
            case EXP -> fn("exp") + "(" + x + ")";
            case LOG -> fn("log") + "(" + x + ")";
            case LOG1P -> fn("log1p") + "(" + x + ")";
            case EXPM1 -> fn("expm1") + "(" + x + ")";
            case SQRT -> fn("sqrt") + "(" + x + ")";
            // 1 / sqrt(x) rounded twice, as the eager kernel; rsqrtf would be an approximation.
            case RSQRT -> "(" + t + ")1 / " + fn("sqrt") + "(" + x + ")";
            case SIN -> fn("sin") + "(" + x + ")";
            case COS -> fn("cos") + "(" + x + ")";
            case TAN -> fn("tan") + "(" + x + ")";
            case TANH -> fn("tanh") + "(" + x + ")";
            case SIGMOID -> "fx_sigmoid(" + x + ")";
            case RELU -> "(" + x + " > 0 || " + x + " != " + x + ") ? " + x + " : (" + t + ")0";
            case IS_NAN -> "fx_isnan(" + x + ")";
            case IS_FINITE -> "fx_isfinite(" + x + ")";
            case LOGICAL_NOT -> maskOperand ? "!" + x : x + " == 0";
            case FLOOR -> fn("floor") + "(" + x + ")";
            case CEIL -> fn("ceil") + "(" + x + ")";
            // rint rounds halves to even, as Math.rint and ONNX's Round.
            case ROUND -> fn("rint") + "(" + x + ")";
            case ERF -> fn("erf") + "(" + x + ")";
            case ASIN -> fn("asin") + "(" + x + ")";
            case ACOS -> fn("acos") + "(" + x + ")";
            case ATAN -> fn("atan") + "(" + x + ")";
            case SINH -> fn("sinh") + "(" + x + ")";
            case COSH -> fn("cosh") + "(" + x + ")";
            case ASINH -> fn("asinh") + "(" + x + ")";
            case ACOSH -> fn("acosh") + "(" + x + ")";
            case ATANH -> fn("atanh") + "(" + x + ")";
        };
    }

    private String binary(BinaryOp op, String a, String b) {
        return switch (op) {
            case ADD -> a + " + " + b;
            case SUB -> a + " - " + b;
            case MUL -> a + " * " + b;
            case DIV -> a + " / " + b;
            case POW -> "fx_pow(" + a + ", " + b + ")";
            case MAXIMUM -> "fx_max(" + a + ", " + b + ")";
            case MINIMUM -> "fx_min(" + a + ", " + b + ")";
            case EQ -> a + " == " + b;
            case NE -> a + " != " + b;
            case LT -> a + " < " + b;
            case LE -> a + " <= " + b;
            case GT -> a + " > " + b;
            case GE -> a + " >= " + b;
            // A float operand tests != 0; a mask (bool) converts to the same truth value.
            case LOGICAL_AND -> "(" + a + " != 0) && (" + b + " != 0)";
            case LOGICAL_OR -> "(" + a + " != 0) || (" + b + " != 0)";
        };
    }

    private String inputParams() {
        List<String> params = new ArrayList<>();
        for (int j = 0; j < p.inputCount(); j++) {
            params.add("const " + (p.inputType(j) == DType.BOOL ? "unsigned char" : t) + "* __restrict__ in" + j);
        }
        return String.join(", ", params);
    }

    private String comma(String params) {
        return params.isEmpty() ? "" : params + ", ";
    }

    /** The argument list of a {@code fluxion_element} call at flat index {@code q} (SCALAR inputs preloaded as s<j>). */
    private String elementArgs(String q) {
        List<String> args = new ArrayList<>();
        for (int j = 0; j < p.inputCount(); j++) {
            boolean mask = p.inputType(j) == DType.BOOL;
            args.add(switch (p.inputAccess(j)) {
                case FULL -> mask ? "(in" + j + "[" + q + "] != 0)" : "in" + j + "[" + q + "]";
                case SCALAR -> "s" + j;
                case ROW, COLUMN -> "in" + j;
            });
        }
        args.add("o");
        args.add("i");
        return String.join(", ", args);
    }

    private void preloadScalars(StringBuilder s) {
        for (int j = 0; j < p.inputCount(); j++) {
            if (p.inputAccess(j) == Access.SCALAR) {
                boolean mask = p.inputType(j) == DType.BOOL;
                s.append("    const ").append(mask ? "bool" : t).append(" s").append(j).append(" = ")
                        .append(mask ? "in" + j + "[0] != 0" : "in" + j + "[0]").append(";\n");
            }
        }
    }

    private void indices(StringBuilder s, String q) {
        if (needsIndex()) {
            s.append("        long long o = ").append(q).append(" / inner, i = ").append(q).append(" - o * inner;\n");
        } else {
            s.append("        const long long o = 0, i = 0;\n");
        }
    }

    private void elementwise(StringBuilder s, String outType) {
        s.append("extern \"C\" __global__ void ").append(ELEMENTWISE).append("(").append(comma(inputParams()))
                .append(outType).append("* __restrict__ out, long long outer, long long inner) {\n");
        s.append("    const long long n = outer * inner;\n");
        preloadScalars(s);
        s.append("    for (long long q = (long long) blockIdx.x * blockDim.x + threadIdx.x; q < n; q += (long long) gridDim.x * blockDim.x) {\n");
        indices(s, "q");
        s.append("        out[q] = fluxion_element(").append(elementArgs("q")).append(");\n");
        s.append("    }\n}\n");
    }

    /**
     * The float4 kernel: each thread takes {@link #unroll} float4 groups per loop trip, at {@code q},
     * {@code q + stride}, ... (each warp's accesses stay contiguous), and issues every load of the trip
     * before the first use, so that {@code 16 * unroll} bytes per input are in flight per thread instead
     * of 16 (a one-multiply program through the one-load shape reached only 0.78x of the copy bandwidth on
     * an H200: latency, not bandwidth, was the limit). Loads go through the read-only path
     * ({@code __ldg}, {@code ld.global.nc}: the inputs are never written while the kernel runs) and stores
     * are streaming ({@code __stcs}: the result is not reread by this kernel, so it should not evict the
     * inputs from L2). The groups the unrolled loop leaves ({@code < unroll * stride}) go one at a time,
     * then the last {@code n % 4} elements.
     */
    private void elementwiseVec4(StringBuilder s) {
        s.append("extern \"C\" __global__ void __launch_bounds__(").append(BLOCK).append(") ").append(ELEMENTWISE_VEC4)
                .append("(").append(comma(inputParams())).append("float* __restrict__ out, long long outer, long long inner) {\n");
        s.append("    const long long n = outer * inner, n4 = n / 4;\n");
        s.append("    const long long o = 0, i = 0;\n");
        preloadScalars(s);
        for (int j = 0; j < p.inputCount(); j++) {
            if (p.inputAccess(j) == Access.FULL) {
                s.append("    const float4* __restrict__ v").append(j).append(" = reinterpret_cast<const float4*>(in").append(j)
                        .append(");\n");
            }
        }
        s.append("    float4* __restrict__ w = reinterpret_cast<float4*>(out);\n");
        s.append("    const long long stride = (long long) gridDim.x * blockDim.x;\n");
        s.append("    long long q = (long long) blockIdx.x * blockDim.x + threadIdx.x;\n");
        if (unroll > 1) {
            s.append("    for (; q + ").append(unroll - 1).append(" * stride < n4; q += ").append(unroll).append(" * stride) {\n");
            vec4Trip(s, unroll);
            s.append("    }\n");
        }
        s.append("    for (; q < n4; q += stride) {\n");
        vec4Trip(s, 1);
        s.append("    }\n");
        s.append("    for (q = 4 * n4 + (long long) blockIdx.x * blockDim.x + threadIdx.x; q < n; q += stride) {\n");
        s.append("        out[q] = fluxion_element(").append(elementArgs("q")).append(");\n");
        s.append("    }\n}\n");
    }

    /** One trip over {@code groups} float4 groups at {@code q + u * stride}: all loads, then the values, then the stores. */
    private void vec4Trip(StringBuilder s, int groups) {
        for (int u = 0; u < groups; u++) {
            for (int j = 0; j < p.inputCount(); j++) {
                if (p.inputAccess(j) == Access.FULL) {
                    s.append("        const float4 a").append(j).append('_').append(u).append(" = __ldg(v").append(j)
                            .append(" + ").append(offset(u)).append(");\n");
                }
            }
        }
        for (int u = 0; u < groups; u++) {
            s.append("        float4 r").append(u).append(";\n");
            for (String c : new String[] {"x", "y", "z", "w"}) {
                List<String> args = new ArrayList<>();
                for (int j = 0; j < p.inputCount(); j++) {
                    args.add(p.inputAccess(j) == Access.FULL ? "a" + j + "_" + u + "." + c : "s" + j);
                }
                args.add("o");
                args.add("i");
                s.append("        r").append(u).append('.').append(c).append(" = fluxion_element(").append(String.join(", ", args))
                        .append(");\n");
            }
        }
        for (int u = 0; u < groups; u++) {
            s.append("        __stcs(w + ").append(offset(u)).append(", r").append(u).append(");\n");
        }
    }

    private static String offset(int u) {
        return u == 0 ? "q" : u == 1 ? "q + stride" : "q + " + u + " * stride";
    }

    private void fold(StringBuilder s, String acc, String value, boolean sum) {
        s.append("        ").append(acc).append(" = ").append(sum ? acc + " + " + value : "fx_max(" + acc + ", " + value + ")")
                .append(";\n");
    }

    /** The block-level tree fold of {@code acc} (one per thread) in shared memory; thread 0 ends with the total. */
    private void blockFold(StringBuilder s, String accType, boolean sum) {
        s.append("    __shared__ ").append(accType).append(" shared[").append(BLOCK).append("];\n");
        s.append("    shared[threadIdx.x] = acc;\n    __syncthreads();\n");
        s.append("    for (int w = ").append(BLOCK / 2).append("; w > 0; w >>= 1) {\n");
        s.append("        if (threadIdx.x < w) {\n");
        s.append("            shared[threadIdx.x] = ").append(sum ? "shared[threadIdx.x] + shared[threadIdx.x + w]"
                : "fx_max(shared[threadIdx.x], shared[threadIdx.x + w])").append(";\n");
        s.append("        }\n        __syncthreads();\n    }\n");
    }

    private void rows(StringBuilder s) {
        boolean sum = p.reduction().sum();
        String accType = sum ? "double" : t;
        s.append("extern \"C\" __global__ void __launch_bounds__(").append(BLOCK).append(") ").append(ROWS).append("(")
                .append(comma(inputParams())).append(t).append("* __restrict__ out, long long outer, long long inner) {\n");
        preloadScalars(s);
        s.append("    const long long o = blockIdx.x;\n");
        s.append("    ").append(accType).append(" acc = ").append(sum ? "0" : "-" + literal(Double.POSITIVE_INFINITY)).append(";\n");
        s.append("    for (long long i = threadIdx.x; i < inner; i += blockDim.x) {\n");
        s.append("        const long long q = o * inner + i;\n");
        fold(s, "acc", "fluxion_element(" + elementArgs("q") + ")", sum);
        s.append("    }\n");
        blockFold(s, accType, sum);
        s.append("    if (threadIdx.x == 0) {\n        out[o] = (").append(t).append(") shared[0];\n    }\n}\n");
    }

    private void all(StringBuilder s) {
        boolean sum = p.reduction().sum();
        s.append("extern \"C\" __global__ void __launch_bounds__(").append(BLOCK).append(") ").append(PARTIALS).append("(")
                .append(comma(inputParams())).append("double* __restrict__ partials, long long outer, long long inner) {\n");
        s.append("    const long long n = outer * inner;\n");
        preloadScalars(s);
        s.append("    double acc = ").append(sum ? "0" : "-" + doubleInfinity()).append(";\n");
        s.append("    for (long long q = (long long) blockIdx.x * blockDim.x + threadIdx.x; q < n; q += (long long) gridDim.x * blockDim.x) {\n");
        indices(s, "q");
        fold(s, "acc", "(double) fluxion_element(" + elementArgs("q") + ")", sum);
        s.append("    }\n");
        blockFold(s, "double", sum);
        s.append("    if (threadIdx.x == 0) {\n        partials[blockIdx.x] = shared[0];\n    }\n}\n");
        s.append("extern \"C\" __global__ void __launch_bounds__(").append(BLOCK).append(") ").append(FOLD)
                .append("(const double* __restrict__ partials, int count, ").append(t).append("* __restrict__ out) {\n");
        s.append("    double acc = ").append(sum ? "0" : "-" + doubleInfinity()).append(";\n");
        s.append("    for (int k = threadIdx.x; k < count; k += blockDim.x) {\n");
        fold(s, "acc", "partials[k]", sum);
        s.append("    }\n");
        blockFold(s, "double", sum);
        s.append("    if (threadIdx.x == 0) {\n        out[0] = (").append(t).append(") shared[0];\n    }\n}\n");
    }
}

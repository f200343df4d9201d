package org.fluxion.ops;

import org.fluxion.kernels.ScalarMath;
import org.fluxion.kernels.SpecialFunctions;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Elementwise functions of one tensor, with their kernels. Each constant gives the scalar formula in
 * double precision (used for float64, for loop tails and as the reference) and, where it matters for
 * speed, a float32 Vector API loop.
 */
public enum UnaryOp {
    NEG(Kind.NUMERIC, Reads.NOTHING) {
        /** f'(x) = -1. */
        Tensor derivative(Tensor x, Tensor y) { return Rules.constantLike(-1, x); }
        double apply(double x) { return -x; }
        long applyLong(long x) { return -x; }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.neg(x, xo, xs, y, yo, n);
        }
    },
    ABS(Kind.NUMERIC, Reads.INPUT) {
        /** f'(x) = sign(x) (0 at 0, a subgradient). */
        Tensor derivative(Tensor x, Tensor y) { return x.sign(); }
        double apply(double x) { return Math.abs(x); }
        long applyLong(long x) { return Math.abs(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.abs(x, xo, xs, y, yo, n);
        }
    },
    /** -1, 0 or +1; NaN stays NaN. */
    SIGN(Kind.NUMERIC, Reads.NOTHING) {
        /** f'(x) = 0 almost everywhere. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Math.signum(x); }
        long applyLong(long x) { return Long.signum(x); }
    },
    EXP(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = exp(x) = y. */
        Tensor derivative(Tensor x, Tensor y) { return y; }
        double apply(double x) { return StrictMath.exp(x); }
        float applyF32(float x) { return ScalarMath.exp(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.exp(x, xo, xs, y, yo, n);
        }
    },
    LOG(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / x. */
        Tensor derivative(Tensor x, Tensor y) { return x.reciprocal(); }
        double apply(double x) { return StrictMath.log(x); }
        float applyF32(float x) { return ScalarMath.log(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.log(x, xo, xs, y, yo, n);
        }
    },
    LOG1P(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / (1 + x). */
        Tensor derivative(Tensor x, Tensor y) { return x.add(1).reciprocal(); }
        double apply(double x) { return StrictMath.log1p(x); }
        float applyF32(float x) { return ScalarMath.log1p(x); }
    },
    EXPM1(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = exp(x) = y + 1. */
        Tensor derivative(Tensor x, Tensor y) { return y.add(1); }
        double apply(double x) { return StrictMath.expm1(x); }
        float applyF32(float x) { return ScalarMath.expm1(x); }
    },
    SQRT(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = 1 / (2 sqrt(x)) = 0.5 / y. */
        Tensor derivative(Tensor x, Tensor y) { return y.reciprocal().mul(0.5); }
        double apply(double x) { return Math.sqrt(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.sqrt(x, xo, xs, y, yo, n);
        }
    },
    RSQRT(Kind.FLOATING, Reads.BOTH) {
        /** f'(x) = -x^(-3/2) / 2 = -0.5 y / x. */
        Tensor derivative(Tensor x, Tensor y) { return y.div(x).mul(-0.5); }
        double apply(double x) { return 1 / Math.sqrt(x); }
        /** Two float roundings, as the vector form {@code 1 / sqrt(x)} of the jit computes it. */
        float applyF32(float x) { return 1f / (float) Math.sqrt(x); }
    },
    SIN(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = cos(x). */
        Tensor derivative(Tensor x, Tensor y) { return x.cos(); }
        double apply(double x) { return StrictMath.sin(x); }
        float applyF32(float x) { return ScalarMath.sin(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.sin(x, xo, xs, y, yo, n);
        }
    },
    COS(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = -sin(x). */
        Tensor derivative(Tensor x, Tensor y) { return x.sin().neg(); }
        double apply(double x) { return StrictMath.cos(x); }
        float applyF32(float x) { return ScalarMath.cos(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.cos(x, xo, xs, y, yo, n);
        }
    },
    TAN(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = 1 + tan(x)^2 = 1 + y^2. */
        Tensor derivative(Tensor x, Tensor y) { return y.mul(y).add(1); }
        double apply(double x) { return StrictMath.tan(x); }
        float applyF32(float x) { return ScalarMath.tan(x); }
    },
    TANH(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = 1 - tanh(x)^2 = 1 - y^2. */
        Tensor derivative(Tensor x, Tensor y) { return y.mul(y).neg().add(1); }
        double apply(double x) { return StrictMath.tanh(x); }
        float applyF32(float x) { return ScalarMath.tanh(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.tanh(x, xo, xs, y, yo, n);
        }
    },
    /** {@code 1 / (1 + e^-x)}; written with e^-|x| so that neither branch overflows ({@link ScalarMath#sigmoid}). */
    SIGMOID(Kind.FLOATING, Reads.OUTPUT) {
        /** f'(x) = y (1 - y). */
        Tensor derivative(Tensor x, Tensor y) { return y.mul(y.neg().add(1)); }
        double apply(double x) { return ScalarMath.sigmoid(x); }
        float applyF32(float x) { return ScalarMath.sigmoid(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.sigmoid(x, xo, xs, y, yo, n);
        }
    },
    /** {@code max(x, 0)}; NaN stays NaN. */
    RELU(Kind.NUMERIC, Reads.OUTPUT) {
        /**
         * f'(x) = 1 where x > 0, else 0 (0 at 0), read from y > 0: the next layer keeps y anyway, so the
         * tape need not keep x as well (a [2048, 2048] float32 tensor in a transformer's feed-forward block).
         */
        Tensor derivative(Tensor x, Tensor y) { return y.gt(0).to(y.dtype()); }
        double apply(double x) { return x > 0 || Double.isNaN(x) ? x : 0; }
        long applyLong(long x) { return Math.max(x, 0); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.relu(x, xo, xs, y, yo, n);
        }
    },
    IS_NAN(Kind.PREDICATE, Reads.NOTHING) {
        /** f'(x) = none: a predicate. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Double.isNaN(x) ? 1 : 0; }
        long applyLong(long x) { return 0; }
    },
    IS_FINITE(Kind.PREDICATE, Reads.NOTHING) {
        /** f'(x) = none: a predicate. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Double.isFinite(x) ? 1 : 0; }
        long applyLong(long x) { return 1; }
    },
    LOGICAL_NOT(Kind.PREDICATE, Reads.NOTHING) {
        /** f'(x) = none: a predicate. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return x == 0 ? 1 : 0; }
        long applyLong(long x) { return x == 0 ? 1 : 0; }
    },
    /** Rounds down; integers unchanged. */
    FLOOR(Kind.NUMERIC, Reads.NOTHING) {
        /** f'(x) = 0 almost everywhere. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Math.floor(x); }
        long applyLong(long x) { return x; }
    },
    /** Rounds up; integers unchanged. */
    CEIL(Kind.NUMERIC, Reads.NOTHING) {
        /** f'(x) = 0 almost everywhere. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Math.ceil(x); }
        long applyLong(long x) { return x; }
    },
    /** Rounds to the nearest integer, halves to even (IEEE's default, NumPy's and ONNX's round). */
    ROUND(Kind.NUMERIC, Reads.NOTHING) {
        /** f'(x) = 0 almost everywhere. */
        Tensor derivative(Tensor x, Tensor y) { return null; }
        double apply(double x) { return Math.rint(x); }
        long applyLong(long x) { return x; }
    },
    /** The error function; see {@link SpecialFunctions#erf}. */
    ERF(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 2/sqrt(pi) e^(-x^2). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().neg().exp().mul(1.1283791670955126); }
        double apply(double x) { return SpecialFunctions.erf(x); }
        /** A float32 formula of its own ({@link ScalarMath#erf(float)}): the double series is ten times slower. */
        float applyF32(float x) { return ScalarMath.erf(x); }
        int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
            return VectorLoops.erf(x, xo, xs, y, yo, n);
        }
    },
    ASIN(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / sqrt(1 - x^2). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().neg().add(1).rsqrt(); }
        double apply(double x) { return StrictMath.asin(x); }
    },
    ACOS(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = -1 / sqrt(1 - x^2). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().neg().add(1).rsqrt().neg(); }
        double apply(double x) { return StrictMath.acos(x); }
    },
    ATAN(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / (1 + x^2). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().add(1).reciprocal(); }
        double apply(double x) { return StrictMath.atan(x); }
    },
    SINH(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = cosh(x). */
        Tensor derivative(Tensor x, Tensor y) { return x.cosh(); }
        double apply(double x) { return StrictMath.sinh(x); }
    },
    COSH(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = sinh(x). */
        Tensor derivative(Tensor x, Tensor y) { return x.sinh(); }
        double apply(double x) { return StrictMath.cosh(x); }
    },
    /** The inverse of sinh; see {@link SpecialFunctions#asinh}. */
    ASINH(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / sqrt(x^2 + 1). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().add(1).rsqrt(); }
        double apply(double x) { return SpecialFunctions.asinh(x); }
    },
    /** The inverse of cosh on {@code [0, inf)}, NaN below 1; see {@link SpecialFunctions#acosh}. */
    ACOSH(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / sqrt(x^2 - 1). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().sub(1).rsqrt(); }
        double apply(double x) { return SpecialFunctions.acosh(x); }
    },
    /** The inverse of tanh, NaN beyond [-1, 1]; see {@link SpecialFunctions#atanh}. */
    ATANH(Kind.FLOATING, Reads.INPUT) {
        /** f'(x) = 1 / (1 - x^2). */
        Tensor derivative(Tensor x, Tensor y) { return x.square().neg().add(1).reciprocal(); }
        double apply(double x) { return SpecialFunctions.atanh(x); }
    };

    /** How an operation treats dtypes. */
    enum Kind {
        /** Keeps integer types (computed exactly in long); rejects bool. */
        NUMERIC,
        /** Promotes integer and bool inputs to float32. */
        FLOATING,
        /** Any input; a bool result (non-zero tests true). */
        PREDICATE
    }

    /**
     * Which values {@link #derivative} reads, so that autodiff keeps only those alive until backward:
     * {@code exp}'s derivative is its output, {@code sin}'s reads the input, {@code neg}'s neither.
     */
    enum Reads {
        NOTHING(0), INPUT(1), OUTPUT(2), BOTH(3);

        /** Bit 0 for the input, bit 1 for the output ({@link Primitive#vjpReads}'s bits for one input). */
        final int bits;

        Reads(int bits) {
            this.bits = bits;
        }
    }

    private final Kind kind;
    private final Reads reads;
    /** Computed once: primitives ask for their name on every call (shape-rule error messages). */
    private final String label;

    UnaryOp(Kind kind, Reads reads) {
        this.kind = kind;
        this.reads = reads;
        this.label = name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
    }

    /** What the derivative reads: bit 0 the input, bit 1 the output. */
    int derivativeReads() {
        return reads.bits;
    }

    /** True when the result is a bool (a test of each element), false when it is a value. */
    public boolean isPredicate() {
        return kind == Kind.PREDICATE;
    }

    /**
     * True for a function that costs tens of operations per element (exp, log, tanh, the trigonometric and error
     * functions; not sqrt, one instruction): a kernel applying it pays for a thread hand-off at fewer elements.
     */
    public boolean transcendental() {
        return kind == Kind.FLOATING && this != SQRT && this != RSQRT;
    }

    /** Lower-case name used in errors and graph printouts. */
    public String label() {
        return label;
    }

    /**
     * The derivative {@code f'(x)} as a tensor, given the input and the output {@code y = f(x)}; null
     * where the function has no gradient. Both rules follow from it: VJP {@code g * f'(x)}, JVP
     * {@code t * f'(x)}. Written with tensor operations, so it is differentiable again.
     */
    abstract Tensor derivative(Tensor x, Tensor y);

    /**
     * The value in double precision: the float64 kernel. Transcendental functions are {@link StrictMath}'s,
     * whose bits do not depend on whether the JVM has compiled the caller (see {@link ScalarMath}).
     */
    abstract double apply(double x);

    /**
     * The float32 value: the loop tail of {@link #f32} and every lane of it agree bit for bit, so a result
     * does not depend on where a run is cut (thread count) nor on compilation state. By default the double
     * value rounded once, which is exact for the operations that are correctly rounded in IEEE arithmetic.
     */
    float applyF32(float x) {
        return (float) apply(x);
    }

    /** {@link #apply(double)}, the float64 formula, for other packages (the jit's scalar reference). */
    public final double value(double x) {
        return apply(x);
    }

    /** {@link #applyF32(float)}, the float32 formula, for other packages (the jit's scalar reference). */
    public final float value(float x) {
        return applyF32(x);
    }

    /** The value on integers; only called for NUMERIC and PREDICATE operations. */
    long applyLong(long x) {
        throw new AssertionError(this + " has no integer kernel");
    }

    /**
     * Vectorized float32 prefix of a run of {@code n} elements ({@code xs} is the input stride, the
     * output is contiguous); returns how many elements it handled, the caller finishing the rest. Called only
     * when {@link org.fluxion.kernels.Vectorization#ENABLED}: the overrides run {@link VectorLoops}.
     */
    int f32(float[] x, int xo, int xs, float[] y, int yo, int n) {
        return 0;
    }

    /** The dtype the kernel computes in, for an input of type {@code in}. */
    DType computeType(DType in) {
        return switch (kind) {
            case NUMERIC -> {
                if (in == DType.BOOL) {
                    throw new IllegalArgumentException(label() + ": not defined for bool tensors");
                }
                yield in;
            }
            case FLOATING -> in.toFloatingPoint();
            case PREDICATE -> in;
        };
    }

    /** The dtype of the result for an input of type {@code in}. */
    DType resultType(DType in) {
        return kind == Kind.PREDICATE ? DType.BOOL : computeType(in);
    }
}

package org.fluxion.ops;

import static org.fluxion.kernels.VectorLoops.F;
import static org.fluxion.kernels.VectorLoops.L;
import static org.fluxion.kernels.VectorLoops.load;
import static org.fluxion.kernels.VectorLoops.vectorBound;

import org.fluxion.tensor.DType;

/**
 * Elementwise functions of two broadcast tensors, with their kernels: the scalar formula in double
 * precision (float64, loop tails), an exact integer formula, and for the hot ones a float32 Vector API
 * loop over a run where each input has stride 1 or 0 (broadcast).
 */
public enum BinaryOp {
    ADD(Kind.ARITHMETIC) {
        double apply(double a, double b) { return a + b; }
        long applyLong(long a, long b) { return a + b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).add(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    SUB(Kind.ARITHMETIC) {
        double apply(double a, double b) { return a - b; }
        long applyLong(long a, long b) { return a - b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).sub(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    MUL(Kind.ARITHMETIC) {
        double apply(double a, double b) { return a * b; }
        long applyLong(long a, long b) { return a * b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).mul(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    /** True division: integers are divided as float32. */
    DIV(Kind.DIVISION) {
        double apply(double a, double b) { return a / b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).div(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    POW(Kind.ARITHMETIC) {
        double apply(double a, double b) { return Math.pow(a, b); }
        long applyLong(long a, long b) {
            if (b < 0) {
                throw new IllegalArgumentException("pow: integer base " + a + " to the negative integer power " + b
                        + " (convert to a floating-point type first)");
            }
            long r = 1;
            for (long base = a, e = b; e > 0; e >>= 1, base *= base) {
                if ((e & 1) != 0) {
                    r *= base;
                }
            }
            return r;
        }
    },
    /** The larger of the two; NaN if either is NaN. */
    MAXIMUM(Kind.ARITHMETIC) {
        double apply(double a, double b) { return Math.max(a, b); }
        long applyLong(long a, long b) { return Math.max(a, b); }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).max(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    /** The smaller of the two; NaN if either is NaN. */
    MINIMUM(Kind.ARITHMETIC) {
        double apply(double a, double b) { return Math.min(a, b); }
        long applyLong(long a, long b) { return Math.min(a, b); }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            int i = 0;
            for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).min(load(b, bo, bs, i)).intoArray(y, yo + i);
            return i;
        }
    },
    EQ(Kind.COMPARISON) {
        double apply(double a, double b) { return a == b ? 1 : 0; }
        long applyLong(long a, long b) { return a == b ? 1 : 0; }
    },
    NE(Kind.COMPARISON) {
        double apply(double a, double b) { return a != b ? 1 : 0; }
        long applyLong(long a, long b) { return a != b ? 1 : 0; }
    },
    LT(Kind.COMPARISON) {
        double apply(double a, double b) { return a < b ? 1 : 0; }
        long applyLong(long a, long b) { return a < b ? 1 : 0; }
    },
    LE(Kind.COMPARISON) {
        double apply(double a, double b) { return a <= b ? 1 : 0; }
        long applyLong(long a, long b) { return a <= b ? 1 : 0; }
    },
    GT(Kind.COMPARISON) {
        double apply(double a, double b) { return a > b ? 1 : 0; }
        long applyLong(long a, long b) { return a > b ? 1 : 0; }
    },
    GE(Kind.COMPARISON) {
        double apply(double a, double b) { return a >= b ? 1 : 0; }
        long applyLong(long a, long b) { return a >= b ? 1 : 0; }
    },
    LOGICAL_AND(Kind.LOGICAL) {
        double apply(double a, double b) { return a != 0 && b != 0 ? 1 : 0; }
        long applyLong(long a, long b) { return a != 0 && b != 0 ? 1 : 0; }
    },
    LOGICAL_OR(Kind.LOGICAL) {
        double apply(double a, double b) { return a != 0 || b != 0 ? 1 : 0; }
        long applyLong(long a, long b) { return a != 0 || b != 0 ? 1 : 0; }
    };

    /** How an operation treats dtypes. */
    enum Kind {
        /** Computed in the promoted type; bool operands count as int32 0/1. */
        ARITHMETIC,
        /** Computed in the promoted type made floating-point. */
        DIVISION,
        /** Computed in the promoted type; bool result. */
        COMPARISON,
        /** Operands tested for non-zero; bool result. */
        LOGICAL
    }

    private final Kind kind;

    BinaryOp(Kind kind) {
        this.kind = kind;
    }

    /** Lower-case name used in errors and graph printouts. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
    }

    abstract double apply(double a, double b);

    /** The value on integers; not called for DIVISION. */
    long applyLong(long a, long b) {
        throw new AssertionError(this + " has no integer kernel");
    }

    /**
     * Vectorized float32 prefix of a run of {@code n} elements (input strides {@code as}, {@code bs}
     * in {0, 1}; the output is contiguous); returns the number of elements handled.
     */
    int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        return 0;
    }

    /** The dtype both operands are converted to before the kernel runs. */
    DType computeType(DType a, DType b) {
        DType t = DType.promote(a, b);
        return switch (kind) {
            case ARITHMETIC -> t == DType.BOOL ? DType.INT32 : t;
            case DIVISION -> t.toFloatingPoint();
            case COMPARISON, LOGICAL -> t;
        };
    }

    /** The dtype of the result. */
    DType resultType(DType a, DType b) {
        return kind == Kind.COMPARISON || kind == Kind.LOGICAL ? DType.BOOL : computeType(a, b);
    }
}

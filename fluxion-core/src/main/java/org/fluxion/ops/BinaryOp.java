package org.fluxion.ops;

import org.fluxion.kernels.VectorLoops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Elementwise functions of two broadcast tensors, with their kernels: the scalar formula in double
 * precision (float64, loop tails), an exact integer formula, and for the hot ones a float32 Vector API
 * loop over a run where each input has stride 1 or 0 (broadcast).
 */
public enum BinaryOp {
    ADD(Kind.ARITHMETIC) {
        /** Linear: cotangents (g, g); tangent ta + tb. */
        Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) { return new Tensor[] {g, g}; }
        Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y) {
            return ta == null ? tb : tb == null ? ta : ta.add(tb);
        }
        Tensor[] partials(Tensor a, Tensor b, Tensor y) { throw new AssertionError(); }
        double apply(double a, double b) { return a + b; }
        long applyLong(long a, long b) { return a + b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.add(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    SUB(Kind.ARITHMETIC) {
        /** Linear: cotangents (g, -g), the second only when wanted; tangent ta - tb. */
        Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) {
            return new Tensor[] {g, wantB ? g.neg() : null};
        }
        Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y) {
            return ta == null ? tb.neg() : tb == null ? ta : ta.sub(tb);
        }
        Tensor[] partials(Tensor a, Tensor b, Tensor y) { throw new AssertionError(); }
        double apply(double a, double b) { return a - b; }
        long applyLong(long a, long b) { return a - b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.sub(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    MUL(Kind.ARITHMETIC) {
        /** Partials: d/da = b, d/db = a. */
        Tensor[] partials(Tensor a, Tensor b, Tensor y) {
            return new Tensor[] {b, a};
        }
        double apply(double a, double b) { return a * b; }
        long applyLong(long a, long b) { return a * b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.mul(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    /** True division: integers are divided as float32. */
    DIV(Kind.DIVISION) {
        /** Partials: d/da = 1 / b, d/db = -a / b^2 = -y / b. */
        Tensor[] partials(Tensor a, Tensor b, Tensor y) {
            return partials(a, b, y, true, true);
        }
        /** Only the partials asked for: {@code x / c} for a constant c costs one reciprocal. */
        Tensor[] partials(Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) {
            Tensor r = b.reciprocal();
            return new Tensor[] {wantA ? r : null, wantB ? y.mul(r).neg() : null};
        }
        double apply(double a, double b) { return a / b; }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.div(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    POW(Kind.ARITHMETIC) {
        /** Partials: d/da = b a^(b-1), d/db = y log(a), each defined at a = 0 too ({@link PowRule}). */
        Tensor[] partials(Tensor a, Tensor b, Tensor y) {
            return partials(a, b, y, true, true);
        }
        /** Only the partials asked for: an exponent without a derivative (a constant) costs nothing. */
        Tensor[] partials(Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) {
            return new Tensor[] {wantA ? PowRule.base(a, b) : null, wantB ? PowRule.exponent(a, b, y) : null};
        }
        /** StrictMath: the same bits compiled or not; float32 is this rounded once ({@link org.fluxion.kernels.ScalarMath#pow}). */
        double apply(double a, double b) { return StrictMath.pow(a, b); }
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
        /** Partials: the gradient goes to a where a >= b, else to b (ties go to a, as a subgradient). */
        Tensor[] partials(Tensor a, Tensor b, Tensor y) {
            Tensor m = a.ge(b);
            return new Tensor[] {m.to(y.dtype()), m.logicalNot().to(y.dtype())};
        }
        double apply(double a, double b) { return Math.max(a, b); }
        long applyLong(long a, long b) { return Math.max(a, b); }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.maximum(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    /** The smaller of the two; NaN if either is NaN. */
    MINIMUM(Kind.ARITHMETIC) {
        /** Partials: the gradient goes to a where a <= b, else to b (ties go to a). */
        Tensor[] partials(Tensor a, Tensor b, Tensor y) {
            Tensor m = a.le(b);
            return new Tensor[] {m.to(y.dtype()), m.logicalNot().to(y.dtype())};
        }
        double apply(double a, double b) { return Math.min(a, b); }
        long applyLong(long a, long b) { return Math.min(a, b); }
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
            return VectorLoops.minimum(a, ao, as, b, bo, bs, y, yo, n);
        }
    },
    EQ(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.eq(a, ao, as, b, bo, bs, y, yo, n);
        }
        double apply(double a, double b) { return a == b ? 1 : 0; }
        long applyLong(long a, long b) { return a == b ? 1 : 0; }
    },
    NE(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.ne(a, ao, as, b, bo, bs, y, yo, n);
        }
        double apply(double a, double b) { return a != b ? 1 : 0; }
        long applyLong(long a, long b) { return a != b ? 1 : 0; }
    },
    LT(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.lt(a, ao, as, b, bo, bs, y, yo, n);
        }
        double apply(double a, double b) { return a < b ? 1 : 0; }
        long applyLong(long a, long b) { return a < b ? 1 : 0; }
    },
    LE(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.le(a, ao, as, b, bo, bs, y, yo, n);
        }
        double apply(double a, double b) { return a <= b ? 1 : 0; }
        long applyLong(long a, long b) { return a <= b ? 1 : 0; }
    },
    GT(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.gt(a, ao, as, b, bo, bs, y, yo, n);
        }
        double apply(double a, double b) { return a > b ? 1 : 0; }
        long applyLong(long a, long b) { return a > b ? 1 : 0; }
    },
    GE(Kind.COMPARISON) {
        int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
            return VectorLoops.ge(a, ao, as, b, bo, bs, y, yo, n);
        }
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
    /** Computed once: primitives ask for their name on every call (shape-rule error messages). */
    private final String label;

    BinaryOp(Kind kind) {
        this.kind = kind;
        this.label = name().toLowerCase(java.util.Locale.ROOT).replace("_", "");
    }

    /** Lower-case name used in errors and graph printouts. */
    public String label() {
        return label;
    }

    /**
     * The value in double precision: the float64 kernel, and rounded once to float the float32 one (exact
     * for the IEEE operations; {@code pow} is {@link StrictMath#pow}, whose bits do not depend on compilation).
     */
    abstract double apply(double a, double b);

    /** {@link #apply(double, double)}, for other packages (the jit's scalar reference). */
    public final double value(double a, double b) {
        return apply(a, b);
    }

    /**
     * The partial derivatives {@code (dy/da, dy/db)} as tensors broadcastable to the output, or null for
     * an operation without gradient (comparisons, logic). Both rules follow from them unless a constant
     * overrides them (the linear ones): VJP {@code (g * dy/da, g * dy/db)}, JVP
     * {@code ta * dy/da + tb * dy/db}.
     */
    Tensor[] partials(Tensor a, Tensor b, Tensor y) {
        return null;
    }

    /**
     * The partials that are asked for ({@code wantA}: {@code dy/da}, {@code wantB}: {@code dy/db}); an
     * operation may leave the others null (pow: each partial costs a power or a logarithm). The default
     * computes both.
     */
    Tensor[] partials(Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) {
        return partials(a, b, y);
    }

    /** Cotangents of a and b (of the broadcast shape; the engine sums them down). */
    Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y) {
        return vjp(g, a, b, y, true, true);
    }

    /**
     * Cotangents of a (when {@code wantA}) and b (when {@code wantB}); the others may be null. The default
     * multiplies {@code g} by the wanted {@link #partials}: {@code x * c} for a constant c costs one product,
     * not two (an operation without gradient gives none).
     */
    Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean wantA, boolean wantB) {
        Tensor[] p = partials(a, b, y, wantA, wantB);
        if (p == null) {
            return new Tensor[2];
        }
        return new Tensor[] {wantA && p[0] != null ? g.mul(p[0]) : null, wantB && p[1] != null ? g.mul(p[1]) : null};
    }

    /** The output tangent; null tangents are zero. */
    Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y) {
        Tensor[] p = partials(a, b, y, ta != null, tb != null);
        if (p == null) {
            return null;
        }
        Tensor da = ta == null ? null : ta.mul(p[0]);
        Tensor db = tb == null ? null : tb.mul(p[1]);
        return da == null ? db : db == null ? da : da.add(db);
    }

    /** The value on integers; not called for DIVISION. */
    long applyLong(long a, long b) {
        throw new AssertionError(this + " has no integer kernel");
    }

    /**
     * Vectorized float32 prefix of a run of {@code n} elements (input strides {@code as}, {@code bs}
     * in {0, 1}; the output is contiguous); returns the number of elements handled. Called only when
     * {@link org.fluxion.kernels.Vectorization#ENABLED}: the overrides run {@link VectorLoops}.
     */
    int f32(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        return 0;
    }

    /**
     * Vectorized float32 prefix of a comparison into a bool run, as {@link #f32} for arithmetic;
     * returns the number of elements handled (0 for operations without a vector comparison).
     */
    int f32(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
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

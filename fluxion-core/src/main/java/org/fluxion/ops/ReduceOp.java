package org.fluxion.ops;

import org.fluxion.tensor.DType;

/**
 * The associative operations {@link Reduce} folds over axes, with their identity, their combine step
 * and the dtype they produce. Floating-point values are combined in double precision, integers and
 * bools in long; the kernel rounds once to the output dtype at the end.
 */
public enum ReduceOp {
    /** {@code sum(x)}; 0 over an empty axis; bool and integer inputs give int64. */
    SUM(0, 0L),
    /** {@code prod(x)}; 1 over an empty axis; bool and integer inputs give int64. */
    PROD(1, 1L),
    /** The largest element (NaN if any is NaN); an empty reduction is an error. Keeps the dtype. */
    MAX(Double.NEGATIVE_INFINITY, Long.MIN_VALUE),
    /** The smallest element (NaN if any is NaN); an empty reduction is an error. Keeps the dtype. */
    MIN(Double.POSITIVE_INFINITY, Long.MAX_VALUE);

    private final double identity;
    private final long identityLong;
    /** {@link #label()}, made once: kernels name their op on every call, for the messages they might throw. */
    private final String label;

    ReduceOp(double identity, long identityLong) {
        this.identity = identity;
        this.identityLong = identityLong;
        this.label = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Lower-case name used in errors and graph printouts: sum, prod, max, min. */
    public String label() {
        return label;
    }

    /** True for max and min, which have no value over an empty set. */
    public boolean needsElements() {
        return this == MAX || this == MIN;
    }

    /** The dtype of the result for an input of type {@code in}. */
    public DType resultType(DType in) {
        return needsElements() || in.isFloatingPoint() ? in : DType.INT64;
    }

    /** Starting value of a floating-point accumulator (−∞ for max, so that any element wins). */
    double identity() {
        return identity;
    }

    /** Starting value of an integer accumulator. */
    long identityLong() {
        return identityLong;
    }

    /** One fold step in double precision; max/min propagate NaN as {@link Math#max}. */
    double combine(double acc, double v) {
        return switch (this) {
            case SUM -> acc + v;
            case PROD -> acc * v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    /** One fold step on integers (wrapping on overflow, as int64 arithmetic in PyTorch). */
    long combine(long acc, long v) {
        return switch (this) {
            case SUM -> acc + v;
            case PROD -> acc * v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}

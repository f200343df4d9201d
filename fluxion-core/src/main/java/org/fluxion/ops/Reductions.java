package org.fluxion.ops;

import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Reductions over axes and the softmax family.
 *
 * <p>sum, prod, max and min bind the {@link Reduce} primitive, argmax and argmin the {@link ArgReduce}
 * primitive. mean, variance, logsumexp, softmax and logSoftmax are composites of public tensor
 * operations and need no rules of their own. Axes may be negative; an empty axes array means all axes;
 * {@code keepDims} keeps reduced axes with size 1. Errors name the operation and the offending axis or
 * shape.
 */
public final class Reductions {
    private Reductions() {
    }

    /** {@code sum(x)} over {@code axes}; 0 over no elements; bool and integers give int64. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
        return reduce(ReduceOp.SUM, x, axes, keepDims);
    }

    /** {@code prod(x)} over {@code axes}; 1 over no elements; bool and integers give int64. */
    public static Tensor prod(Tensor x, int[] axes, boolean keepDims) {
        return reduce(ReduceOp.PROD, x, axes, keepDims);
    }

    /** The largest element over {@code axes}, same dtype; NaN if any is NaN; error if there are none. */
    public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MAX, x, axes, keepDims);
    }

    /** The smallest element over {@code axes}, same dtype; NaN if any is NaN; error if there are none. */
    public static Tensor min(Tensor x, int[] axes, boolean keepDims) {
        return reduce(ReduceOp.MIN, x, axes, keepDims);
    }

    private static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDims) {
        return Ops.bind(new Reduce(op, Shape.normalizeAxes(axes, x.rank(), op.label()), keepDims), x);
    }

    /** Cumulative sum along {@code axis} ({@link CumSum}); integer and bool inputs give int64. */
    public static Tensor cumsum(Tensor x, int axis) {
        return Ops.bind(new CumSum(axis, false), x);
    }

    /** int64 index of the first largest element along {@code axis} (the first NaN if any). */
    public static Tensor argmax(Tensor x, int axis, boolean keepDims) {
        return argReduce(true, x, axis, keepDims);
    }

    /** int64 index of the first smallest element along {@code axis} (the first NaN if any). */
    public static Tensor argmin(Tensor x, int axis, boolean keepDims) {
        return argReduce(false, x, axis, keepDims);
    }

    private static Tensor argReduce(boolean max, Tensor x, int axis, boolean keepDims) {
        String op = max ? "argmax" : "argmin";
        if (x.rank() == 0) { // as PyTorch: a scalar is its own only element, axis 0 or -1
            Shape.normalizeAxis(axis, 1, op);
            return Ops.bind(new ArgReduce(max, 0, false), Views.reshape(x, 1));
        }
        return Ops.bind(new ArgReduce(max, Shape.normalizeAxis(axis, x.rank(), op), keepDims), x);
    }

    /**
     * {@code sum(x) / n} over {@code axes}, {@code n} the number of reduced elements; bool and integer
     * inputs give float32. The mean of no elements is NaN (0/0).
     */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] norm = Shape.normalizeAxes(axes, x.rank(), "mean");
        Tensor xf = x.to(x.dtype().toFloatingPoint());
        return sum(xf, norm, keepDims).div(count(x, norm));
    }

    /**
     * {@code sum((x - mean(x))^2) / max(0, n - correction)} over {@code axes}, in two passes (mean first,
     * then squared deviations) to avoid the cancellation of {@code E[x^2] - E[x]^2}. Correction 1 gives the
     * unbiased estimate, 0 the population variance. As in PyTorch, a correction of {@code n} or more
     * divides by 0: infinity where the deviations are not all 0, NaN where they are (0/0); the variance
     * of no elements is NaN. Never negative.
     */
    public static Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) {
        int[] norm = Shape.normalizeAxes(axes, x.rank(), "variance");
        Tensor xf = x.to(x.dtype().toFloatingPoint());
        Tensor d = xf.sub(mean(xf, norm, true));
        // Clamped: n - correction < 0 would flip the sign of a sum of squares (a negative variance).
        return sum(d.mul(d), norm, keepDims).div(Math.max(0, count(x, norm) - (double) correction));
    }

    /**
     * {@code log(sum(exp(x)))} over {@code axes}, computed as {@code log(sum(exp(x - m))) + m} with
     * {@code m = max(x)} (replaced by 0 where it is infinite, so that all -inf gives -inf and +inf gives
     * +inf rather than NaN). {@code m} is a constant of the computation: its gradient is never needed. The
     * logsumexp of no elements is -inf.
     */
    public static Tensor logsumexp(Tensor x, int[] axes, boolean keepDims) {
        int[] norm = Shape.normalizeAxes(axes, x.rank(), "logsumexp");
        Tensor xf = x.to(x.dtype().toFloatingPoint());
        Tensor m = count(x, norm) == 0 ? Tensor.zeros(xf.dtype(), keptShape(x, norm)) : shift(xf, norm);
        Tensor r = sum(xf.sub(m).exp(), norm, true).log().add(m);
        return keepDims ? r : Views.reshape(r, dropShape(x, norm));
    }

    /**
     * {@code exp(x - m) / sum(exp(x - m))} along {@code axis}, {@code m} the (finite) maximum along it,
     * so that no exponential overflows: softmax of {@code [1000, 1000]} is {@code [0.5, 0.5]}.
     */
    public static Tensor softmax(Tensor x, int axis) {
        int[] a = {Shape.normalizeAxis(axis, x.rank(), "softmax")};
        Tensor xf = x.to(x.dtype().toFloatingPoint());
        if (x.size() == 0) {
            return xf.copy();
        }
        Tensor e = xf.sub(shift(xf, a)).exp();
        return e.div(sum(e, a, true));
    }

    /**
     * {@code z - log(sum(exp(z)))} with {@code z = x - m} along {@code axis}, {@code m} the (finite)
     * maximum: the sum is at least 1 wherever {@code x} has a finite maximum, so the log never sees 0
     * and large gaps give large negative values instead of {@code log(0) = -inf}.
     */
    public static Tensor logSoftmax(Tensor x, int axis) {
        int[] a = {Shape.normalizeAxis(axis, x.rank(), "logSoftmax")};
        Tensor xf = x.to(x.dtype().toFloatingPoint());
        if (x.size() == 0) {
            return xf.copy();
        }
        Tensor z = xf.sub(shift(xf, a));
        return z.sub(sum(z.exp(), a, true).log());
    }

    /**
     * {@code max(x)} over {@code axes} with kept dims, 0 where it is ±inf or NaN: the stabilizing shift. The
     * functions it stabilizes do not depend on it (their derivative along it is 0 at every order), so it is
     * detached, as JAX's {@code stop_gradient} on the max: the reverse pass then skips the max's and the where's
     * VJPs, whose terms would only cancel (to rounding).
     */
    private static Tensor shift(Tensor x, int[] axes) {
        Tensor m = max(x, axes, true).detach();
        return Tensor.where(m.isFinite(), m, Tensor.zeros(m.dtype()));
    }

    /** Number of elements reduced over the (normalized) {@code axes}. */
    private static int count(Tensor x, int[] axes) {
        int n = 1;
        for (int a : axes) {
            n *= x.dim(a);
        }
        return n;
    }

    private static int[] keptShape(Tensor x, int[] axes) {
        int[] d = x.dims();
        for (int a : axes) {
            d[a] = 1;
        }
        return d;
    }

    private static int[] dropShape(Tensor x, int[] axes) {
        boolean[] drop = new boolean[x.rank()];
        for (int a : axes) {
            drop[a] = true;
        }
        int[] d = new int[x.rank() - axes.length];
        for (int i = 0, j = 0; i < x.rank(); i++) {
            if (!drop[i]) {
                d[j++] = x.dim(i);
            }
        }
        return d;
    }
}

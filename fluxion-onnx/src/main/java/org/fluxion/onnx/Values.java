package org.fluxion.onnx;

import org.fluxion.tensor.ConcretizationException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Helpers of the lowerings: the concrete values of shape-like inputs (Reshape's shape, Slice's starts),
 * which must not depend on traced values, and small tensor idioms.
 */
final class Values {
    private Values() {
    }

    /** The values of an integer input that decides shapes; it must be known when the graph runs. */
    static long[] longs(Node n, Tensor t, String what) {
        try {
            return t.to(DType.INT64).toLongArray();
        } catch (ConcretizationException e) {
            throw n.error(what + " must be a constant (or computed from shapes), but depends on traced values");
        }
    }

    /** {@link #longs} clamped into the int range (INT64_MAX means "to the end" for slices). */
    static int[] ints(Node n, Tensor t, String what) {
        long[] v = longs(n, t, what);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v[i]));
        }
        return out;
    }

    /** A scalar input's concrete value. */
    static double scalar(Node n, Tensor t, String what) {
        try {
            return t.to(DType.FLOAT64).toDoubleArray()[0];
        } catch (ConcretizationException e) {
            throw n.error(what + " must be a constant, but depends on traced values");
        }
    }

    /** An axis in {@code [-rank, rank)} made non-negative, with an error naming the node. */
    static int axis(Node n, long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw n.error("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** {@link #axis} of each. */
    static int[] axes(Node n, int[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(n, axes[i], rank);
        }
        return out;
    }

    /** One output. */
    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }

    /** A scalar of {@code like}'s dtype. */
    static Tensor scalarLike(double v, Tensor like) {
        return Tensor.scalar(v, like.dtype());
    }

    /** The reverse of {@code x} along {@code axis}. */
    static Tensor flip(Tensor x, int axis) {
        int d = x.dim(axis);
        long[] idx = new long[d];
        for (int i = 0; i < d; i++) {
            idx[i] = d - 1 - i;
        }
        return x.indexSelect(axis, Tensor.of(idx, d));
    }

    /** The product of {@code dims[from, to)}. */
    static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}

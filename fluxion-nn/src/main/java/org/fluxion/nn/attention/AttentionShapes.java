package org.fluxion.nn.attention;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.TensorType;

/** The shape rule shared by {@link FlashAttention} and {@link FlashAttentionBackward}. */
final class AttentionShapes {
    private AttentionShapes() {
    }

    /**
     * Checks {@code q [..., Tq, D]}, {@code k [..., Tk, D]}, {@code v [..., Tk, Dv]} with the same leading axes,
     * {@code [N]} or {@code [B, H]} (heads {@code N = B H}), one floating dtype, and {@code keep} bool
     * {@code [..., Tk]} when given.
     *
     * @throws IllegalArgumentException naming the primitive and the shapes
     */
    static void check(String name, TensorType q, TensorType k, TensorType v, TensorType keep) {
        Shape qs = q.shape();
        Shape ks = k.shape();
        Shape vs = v.shape();
        int rank = qs.rank();
        if ((rank != 3 && rank != 4) || ks.rank() != rank || vs.rank() != rank || !lead(qs).equals(lead(ks))
                || !lead(ks).equals(lead(vs)) || qs.dim(-1) != ks.dim(-1) || ks.dim(-2) != vs.dim(-2)) {
            throw new IllegalArgumentException(name + ": expected q [N, Tq, D], k [N, Tk, D], v [N, Tk, Dv] (or "
                    + "[B, H, ...] each), got " + qs + ", " + ks + ", " + vs);
        }
        if (!q.dtype().isFloatingPoint() || q.dtype() != k.dtype() || k.dtype() != v.dtype()) {
            throw new IllegalArgumentException(name + ": q, k, v must share a float dtype, got " + q + ", " + k + ", " + v);
        }
        if (keep != null && (keep.dtype() != DType.BOOL || !keep.shape().equals(rows(ks)))) {
            throw new IllegalArgumentException(name + ": the key mask must be bool " + rows(ks) + ", got " + keep);
        }
    }

    /** The attention output {@code [..., Tq, Dv]}. */
    static TensorType output(TensorType q, TensorType v) {
        int[] dims = q.shape().dims();
        dims[dims.length - 1] = v.shape().dim(-1);
        return new TensorType(Shape.of(dims), q.dtype());
    }

    /** One value per query, {@code [..., Tq]}: the log-sum-exp's type. */
    static TensorType rows(TensorType q) {
        return new TensorType(rows(q.shape()), q.dtype());
    }

    private static Shape rows(Shape s) {
        return Shape.of(Arrays.copyOf(s.dims(), s.rank() - 1));
    }

    private static Shape lead(Shape s) {
        return Shape.of(Arrays.copyOf(s.dims(), s.rank() - 2));
    }
}

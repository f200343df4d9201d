package org.fluxion.nn.attention;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.TensorType;

/** The shape rule shared by {@link FlashAttention} and {@link FlashAttentionBackward}. */
final class AttentionShapes {
    private AttentionShapes() {
    }

    /**
     * Checks {@code q [N, Tq, D]}, {@code k [N, Tk, D]}, {@code v [N, Tk, Dv]}, one floating dtype, and
     * {@code keep} bool {@code [N, Tk]} when given.
     *
     * @throws IllegalArgumentException naming the primitive and the shapes
     */
    static void check(String name, TensorType q, TensorType k, TensorType v, TensorType keep) {
        Shape qs = q.shape();
        Shape ks = k.shape();
        Shape vs = v.shape();
        if (qs.rank() != 3 || ks.rank() != 3 || vs.rank() != 3 || qs.dim(0) != ks.dim(0) || ks.dim(0) != vs.dim(0)
                || qs.dim(2) != ks.dim(2) || ks.dim(1) != vs.dim(1)) {
            throw new IllegalArgumentException(name + ": expected q [N, Tq, D], k [N, Tk, D], v [N, Tk, Dv], got "
                    + qs + ", " + ks + ", " + vs);
        }
        if (!q.dtype().isFloatingPoint() || q.dtype() != k.dtype() || k.dtype() != v.dtype()) {
            throw new IllegalArgumentException(name + ": q, k, v must share a float dtype, got " + q + ", " + k + ", " + v);
        }
        if (keep != null && (keep.dtype() != DType.BOOL || !keep.shape().equals(Shape.of(ks.dim(0), ks.dim(1))))) {
            throw new IllegalArgumentException(name + ": the key mask must be bool [" + ks.dim(0) + ", " + ks.dim(1)
                    + "], got " + keep);
        }
    }
}

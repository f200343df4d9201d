package org.fluxion.nn.attention;

import java.util.Arrays;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Scaled dot-product attention, PyTorch's {@code F.scaled_dot_product_attention}:
 * {@code softmax(scale q k^T + mask) v}.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Attention over the last two axes, leading axes (batch, heads) broadcast between q, k and v.
     *
     * @param q        {@code [..., Tq, D]}
     * @param k        {@code [..., Tk, D]}
     * @param v        {@code [..., Tk, Dv]}
     * @param keyValid bool {@code [..., Tk]} broadcasting to the leading axes (true: the key takes part), or
     *                 null for all keys
     * @param causal   query {@code i} sees keys {@code j <= i} only
     * @param scale    the factor of the scores; {@code 1 / sqrt(D)} is PyTorch's default
     * @return {@code [..., Tq, Dv]}; a query that sees no key gets zeros (PyTorch gives NaN)
     * @throws IllegalArgumentException naming the shapes when they do not fit
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor keyValid, boolean causal, double scale) {
        if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2 || q.dim(-1) != k.dim(-1) || k.dim(-2) != v.dim(-2)) {
            throw new IllegalArgumentException("scaledDotProduct: expected q [..., Tq, D], k [..., Tk, D], "
                    + "v [..., Tk, Dv], got " + q.shape() + ", " + k.shape() + ", " + v.shape());
        }
        if (keyValid != null && (keyValid.dtype() != DType.BOOL || keyValid.rank() < 1
                || keyValid.dim(-1) != k.dim(-2))) {
            throw new IllegalArgumentException("scaledDotProduct: keyValid must be bool [..., " + k.dim(-2) + "], got "
                    + keyValid.type());
        }
        int[] lead = broadcast(broadcast(lead(q, 2), lead(k, 2)), lead(v, 2));
        if (keyValid != null) {
            lead = broadcast(lead, lead(keyValid, 1));
        }
        int n = 1;
        for (int d : lead) {
            n *= d;
        }
        int tq = q.dim(-2);
        int tk = k.dim(-2);
        // [B, H, T, D] (multi-head attention) goes to the kernel as it lies: the heads of a projection are a
        // strided view, which a reshape to [B H, T, D] would copy (and the merge of the heads after it, and the
        // cotangents of both in the backward pass); other leading axes are merged into one.
        int[] heads = lead.length == 2 ? lead : new int[] {n};
        Tensor q3 = q.expand(concat(lead, tq, q.dim(-1))).reshape(concat(heads, tq, q.dim(-1)));
        Tensor k3 = k.expand(concat(lead, tk, k.dim(-1))).reshape(concat(heads, tk, k.dim(-1)));
        Tensor v3 = v.expand(concat(lead, tk, v.dim(-1))).reshape(concat(heads, tk, v.dim(-1)));
        Tensor[] out;
        if (keyValid == null) {
            out = Ops.bindAll(new FlashAttention(scale, causal, false), q3, k3, v3);
        } else {
            Tensor keep = keyValid.expand(concat(lead, tk)).reshape(concat(heads, tk));
            out = Ops.bindAll(new FlashAttention(scale, causal, true), q3, k3, v3, keep);
        }
        return out[0].reshape(concat(lead, tq, v.dim(-1)));
    }

    /**
     * {@link #scaledDotProduct} with an explicit mask of the scores as well, PyTorch's {@code attn_mask}: bool
     * (true: the query may attend to the key) or float (added to the scores), broadcasting to
     * {@code [..., Tq, Tk]}. Such a mask is a {@code [Tq, Tk]} matrix already, so this takes the textbook
     * formula ({@link AttentionReference#softmax}); without one ({@code attnMask} null) it is the fused kernel.
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor keyValid, Tensor attnMask,
                                          boolean causal, double scale) {
        if (attnMask == null) {
            return scaledDotProduct(q, k, v, keyValid, causal, scale);
        }
        if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2 || q.dim(-1) != k.dim(-1) || k.dim(-2) != v.dim(-2)) {
            throw new IllegalArgumentException("scaledDotProduct: expected q [..., Tq, D], k [..., Tk, D], "
                    + "v [..., Tk, Dv], got " + q.shape() + ", " + k.shape() + ", " + v.shape());
        }
        if (attnMask.rank() < 2 || attnMask.dim(-1) != k.dim(-2) || attnMask.dim(-2) != q.dim(-2)) {
            throw new IllegalArgumentException("scaledDotProduct: attnMask must be [..., " + q.dim(-2) + ", " + k.dim(-2)
                    + "], got " + attnMask.type());
        }
        Tensor s = q.matmul(k.transpose(-2, -1)).mul(scale);
        s = attnMask.dtype() == DType.BOOL
                ? Tensor.where(attnMask, s, Tensor.full(Double.NEGATIVE_INFINITY, s.dtype()))
                : s.add(attnMask.to(s.dtype()));
        if (keyValid != null) {
            s = Tensor.where(keyValid.unsqueeze(-2), s, Tensor.full(Double.NEGATIVE_INFINITY, s.dtype()));
        }
        return AttentionReference.softmax(AttentionReference.masked(s, null, causal))[0].matmul(v);
    }

    /** {@link #scaledDotProduct} with PyTorch's default scale {@code 1 / sqrt(D)}. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor keyValid, boolean causal) {
        return scaledDotProduct(q, k, v, keyValid, causal, 1 / Math.sqrt(q.dim(-1)));
    }

    private static int[] lead(Tensor x, int trailing) {
        return Arrays.copyOf(x.dims(), x.rank() - trailing);
    }

    private static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int x = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int y = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException("scaledDotProduct: leading axes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }

    private static int[] concat(int[] lead, int... tail) {
        int[] out = Arrays.copyOf(lead, lead.length + tail.length);
        System.arraycopy(tail, 0, out, lead.length, tail.length);
        return out;
    }
}

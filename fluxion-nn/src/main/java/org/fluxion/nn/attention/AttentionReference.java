package org.fluxion.nn.attention;

import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.Tensor;

/**
 * Attention by its textbook formula, with the {@code [N, Tq, Tk]} score matrix: the reference the fused
 * kernels are tested against, and the composite whose derivatives give theirs beyond first order
 * ({@link org.fluxion.nn.fused.CompositeRules}). Same conventions as {@link FlashAttention}: {@code keep [N, Tk]} or null,
 * {@code causal} hides key {@code j > i}, a query that sees no key gets {@code o = 0}, {@code lse = +inf}.
 */
public final class AttentionReference {
    private AttentionReference() {
    }

    /**
     * {@code [o, lse]}: {@code S = scale q k^T}, hidden entries {@code -inf}; {@code m = rowmax S} (held
     * constant: the softmax does not depend on it); {@code P = e^(S - m) / l} with {@code l = rowsum e^(S - m)};
     * {@code o = P v}; {@code lse = m + log l}.
     */
    public static Tensor[] forward(Tensor q, Tensor k, Tensor v, Tensor keep, double scale, boolean causal) {
        Tensor[] pl = softmax(masked(q.matmul(k.transpose(-2, -1)).mul(scale), keep, causal));
        return new Tensor[] {pl[0].matmul(v), pl[1].squeeze(-1)};
    }

    /**
     * {@code [P, lse]}: the softmax over the last axis of scores {@code s} that may hold {@code -inf}, and its
     * log-sum-exp (keeping the axis); a row of {@code -inf} only gets {@code P = 0}, {@code lse = +inf}, with
     * finite derivatives everywhere (where PyTorch's softmax gives NaN).
     */
    public static Tensor[] softmax(Tensor s) {
        Tensor m = Functional.stopGradient(s.max(new int[] {-1}, true));
        m = Tensor.where(m.isFinite(), m, Tensor.zeros(m.dtype()));
        Tensor e = s.sub(m).exp();
        Tensor l = e.sum(new int[] {-1}, true);
        Tensor seen = l.gt(0);
        Tensor safeL = Tensor.where(seen, l, Tensor.ones(l.dtype())); // log and division stay finite off the rows used
        Tensor lse = Tensor.where(seen, m.add(safeL.log()), Tensor.full(Double.POSITIVE_INFINITY, l.dtype()));
        return new Tensor[] {e.div(safeL), lse};
    }

    /**
     * {@code [dq, dk, dv]} for the cotangents {@code g} of {@code o} and {@code gLse} of {@code lse}:
     * {@code dv = P^T g}; {@code dS = P (g v^T - rowsum(g o) + gLse)}; {@code dq = scale dS k};
     * {@code dk = scale dS^T q}.
     */
    public static Tensor[] backward(Tensor q, Tensor k, Tensor v, Tensor keep, Tensor g, Tensor gLse, double scale,
                                    boolean causal) {
        Tensor[] f = forward(q, k, v, keep, scale, causal);
        Tensor lse = f[1].unsqueeze(-1);
        Tensor p = masked(q.matmul(k.transpose(-2, -1)).mul(scale), keep, causal).sub(
                Tensor.where(lse.isFinite(), lse, Tensor.zeros(lse.dtype()))).exp();
        p = Tensor.where(lse.isFinite(), p, Tensor.zeros(p.dtype()));
        Tensor delta = g.mul(f[0]).sum(new int[] {-1}, true).sub(gLse.unsqueeze(-1));
        Tensor ds = p.mul(g.matmul(v.transpose(-2, -1)).sub(delta)).mul(scale);
        return new Tensor[] {ds.matmul(k), ds.transpose(-2, -1).matmul(q), p.transpose(-2, -1).matmul(g)};
    }

    /** {@code s} with the entries a query does not see set to {@code -inf}. */
    public static Tensor masked(Tensor s, Tensor keep, boolean causal) {
        Tensor visible = null;
        if (keep != null) {
            visible = keep.unsqueeze(-2); // [N, 1, Tk]
        }
        if (causal) {
            int tq = s.dim(-2);
            int tk = s.dim(-1);
            Tensor lower = Tensor.arange(tk).unsqueeze(0).le(Tensor.arange(tq).unsqueeze(1)); // j <= i
            visible = visible == null ? lower : visible.logicalAnd(lower);
        }
        return visible == null ? s : Tensor.where(visible, s, Tensor.full(Double.NEGATIVE_INFINITY, s.dtype()));
    }
}

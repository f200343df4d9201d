package org.fluxion.nn;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.nn.attention.Attention;
import org.fluxion.nn.attention.AttentionReference;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Multi-head attention (PyTorch's {@code nn.MultiheadAttention}, same parameter names so a state dict loads):
 * {@code out_proj(concat_h attention(q W_q^h, k W_k^h, v W_v^h))} with the head projections stacked in
 * {@code in_proj_weight [3E, E]} (rows {@code q, k, v}) and {@code in_proj_bias [3E]}, heads of size
 * {@code E / H}, scores scaled by {@code 1 / sqrt(E / H)}.
 *
 * <p>Shapes: query {@code [L, B, E]}, key and value {@code [S, B, E]} ({@code [B, L, E]}, {@code [B, S, E]}
 * when batch-first; {@code [L, E]}, {@code [S, E]} unbatched); output as the query. Self-attention
 * ({@link #apply}, or query, key and value the same tensor) projects q, k and v with one GEMM; cross-attention
 * projects k and v together when they are the same tensor. Attention runs in the fused kernel
 * ({@link Attention#scaledDotProduct}: no {@code [L, S]} matrix), except with attention dropout in training
 * mode, which needs the probabilities and takes the textbook formula.
 */
public final class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final boolean batchFirst;
    private final double dropout;
    private final RandomGenerator rng;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;

    /**
     * PyTorch's initialization: {@code in_proj_weight} Xavier-uniform, biases zero, {@code out_proj.weight}
     * {@code U(-1/sqrt(E), 1/sqrt(E))}.
     *
     * @param dropout probability of dropping an attention weight in training mode
     * @throws IllegalArgumentException when {@code embedDim} is not a positive multiple of {@code numHeads}
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean batchFirst, DType dtype,
                              RandomGenerator rng) {
        LayerArguments.atLeast("MultiheadAttention", "numHeads", numHeads, 1);
        LayerArguments.atLeast("MultiheadAttention", "embedDim", embedDim, 1);
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embedDim " + embedDim + " must be divisible by "
                    + "numHeads " + numHeads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("MultiheadAttention: dropout must be in [0, 1), got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.rng = rng;
        this.inProjWeight = Init.glorotUniform(rng, dtype, 3 * embedDim, embedDim).requiresGrad(true);
        this.inProjBias = Tensor.zeros(dtype, 3 * embedDim).requiresGrad(true);
        this.outProj = new Linear(Init.uniformFanIn(rng, embedDim, dtype, embedDim, embedDim),
                Tensor.zeros(dtype, embedDim));
    }

    /** Float32, no dropout, time-major. */
    public MultiheadAttention(int embedDim, int numHeads, RandomGenerator rng) {
        this(embedDim, numHeads, 0, false, DType.FLOAT32, rng);
    }

    /** Self-attention of {@code x} over itself, no mask. */
    @Override
    public Tensor apply(Tensor x) {
        return forward(x, x, x, null, false);
    }

    /**
     * @param keyPaddingMask bool {@code [B, S]} ({@code [S]} unbatched), true at a padded key (PyTorch's
     *                       convention), or null
     * @param causal         query {@code i} attends to keys {@code j <= i} (PyTorch's square subsequent mask)
     * @throws LayerInputException naming the shapes when they do not fit
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal) {
        return forward(query, key, value, keyPaddingMask, null, causal);
    }

    /**
     * With PyTorch's {@code attn_mask} as well: {@code [L, S]} or {@code [B * H, L, S]}, bool (true: the query
     * may <em>not</em> attend to the key, PyTorch's convention here) or float (added to the scores). Such a
     * mask holds an {@code [L, S]} matrix already, so attention takes the textbook formula; null: the fused
     * kernel.
     *
     * @throws LayerInputException naming the shapes when they do not fit
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask,
                          boolean causal) {
        boolean unbatched = query.rank() == 2;
        int e = embedDim;
        int expectRank = unbatched ? 2 : 3;
        if (query.rank() < 2 || query.rank() > 3 || key.rank() != expectRank || value.rank() != expectRank
                || query.dim(-1) != e || key.dim(-1) != e || value.dim(-1) != e || key.dim(-2) != value.dim(-2)
                || (!unbatched && (key.dim(batchFirst ? 1 : 0) != value.dim(batchFirst ? 1 : 0)
                || query.dim(batchFirst ? 0 : 1) != key.dim(batchFirst ? 0 : 1)))) {
            throw new LayerInputException(label(), "expected query " + (batchFirst ? "[B, L, " : "[L, B, ") + e
                    + "], key and value " + (batchFirst ? "[B, S, " : "[S, B, ") + e + "] (or unbatched [L, " + e
                    + "], [S, " + e + "]), got " + query.shape() + ", " + key.shape() + ", " + value.shape());
        }
        // internally batch-first: [B, T, E]
        Tensor q = unbatched ? query.unsqueeze(0) : batchFirst ? query : query.transpose(0, 1);
        Tensor k = key == query ? q : unbatched ? key.unsqueeze(0) : batchFirst ? key : key.transpose(0, 1);
        Tensor v = value == key ? k : unbatched ? value.unsqueeze(0) : batchFirst ? value : value.transpose(0, 1);
        int batch = q.dim(0);
        int s = k.dim(1);
        Tensor keyValid = null;
        if (keyPaddingMask != null) {
            Tensor m = unbatched ? keyPaddingMask.unsqueeze(0) : keyPaddingMask;
            if (m.dtype() != DType.BOOL || m.rank() != 2 || m.dim(0) != batch || m.dim(1) != s) {
                throw new LayerInputException(label(), "expected a bool key padding mask [" + (unbatched ? "" : batch
                        + ", ") + s + "], got " + keyPaddingMask.type());
            }
            keyValid = m.logicalNot().unsqueeze(1); // [B, 1, S]: all heads
        }
        Tensor[] qkv = project(q, k, v);
        Tensor mask = attnMask == null ? null : scoreMask(attnMask, batch, q.dim(1), s);
        Tensor heads = attend(heads(qkv[0]), heads(qkv[1]), heads(qkv[2]), keyValid, mask, causal); // [B, H, L, Dh]
        Tensor merged = heads.transpose(1, 2).reshape(batch, q.dim(1), e);
        Tensor out = outProj.apply(merged);
        return unbatched ? out.squeeze(0) : batchFirst ? out : out.transpose(0, 1);
    }

    /** q, k, v projections: one GEMM for the three (self), or for k and v (same key and value). */
    private Tensor[] project(Tensor q, Tensor k, Tensor v) {
        int e = embedDim;
        if (q == k && k == v) {
            // split, not three slices: its cotangent is one concatenation of dq, dk, dv rather than three
            // zero-padded [B, T, 3E] tensors and two sums of them
            return Functions.linear(q, inProjWeight, inProjBias).split(2, e, e, e).toArray(Tensor[]::new);
        }
        Tensor pq = Functions.linear(q, inProjWeight.slice(0, 0, e), inProjBias.slice(0, 0, e));
        if (k == v) {
            List<Tensor> kv = Functions.linear(k, inProjWeight.slice(0, e, 3 * e), inProjBias.slice(0, e, 3 * e))
                    .split(2, e, e);
            return new Tensor[] {pq, kv.get(0), kv.get(1)};
        }
        return new Tensor[] {pq, Functions.linear(k, inProjWeight.slice(0, e, 2 * e), inProjBias.slice(0, e, 2 * e)),
            Functions.linear(v, inProjWeight.slice(0, 2 * e, 3 * e), inProjBias.slice(0, 2 * e, 3 * e))};
    }

    /** {@code [B, T, E] -> [B, H, T, E / H]}. */
    private Tensor heads(Tensor x) {
        return x.reshape(x.dim(0), x.dim(1), numHeads, embedDim / numHeads).transpose(1, 2);
    }

    /** PyTorch's attn_mask as {@link Attention#scaledDotProduct} reads it: broadcasting to [B, H, L, S]. */
    private Tensor scoreMask(Tensor attnMask, int batch, int l, int s) {
        boolean square = attnMask.rank() == 2 && attnMask.dim(0) == l && attnMask.dim(1) == s;
        boolean perHead = attnMask.rank() == 3 && attnMask.dim(0) == batch * numHeads && attnMask.dim(1) == l
                && attnMask.dim(2) == s;
        if (!square && !perHead) {
            throw new LayerInputException(label(), "expected attn_mask [" + l + ", " + s + "] or [" + batch * numHeads
                    + ", " + l + ", " + s + "], got " + attnMask.shape());
        }
        Tensor m = perHead ? attnMask.reshape(batch, numHeads, l, s) : attnMask;
        return m.dtype() == DType.BOOL ? m.logicalNot() : m;
    }

    private Tensor attend(Tensor q, Tensor k, Tensor v, Tensor keyValid, Tensor mask, boolean causal) {
        double scale = 1 / Math.sqrt(embedDim / (double) numHeads);
        if (!isTraining() || dropout == 0) {
            return Attention.scaledDotProduct(q, k, v, keyValid, mask, causal, scale);
        }
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(scale); // [B, H, L, S]
        if (mask != null) {
            scores = mask.dtype() == DType.BOOL
                    ? Tensor.where(mask, scores, Tensor.full(Double.NEGATIVE_INFINITY, scores.dtype()))
                    : scores.add(mask.to(scores.dtype()));
        }
        if (keyValid != null) {
            scores = Tensor.where(keyValid.unsqueeze(-2), scores, Tensor.full(Double.NEGATIVE_INFINITY, scores.dtype()));
        }
        Tensor p = AttentionReference.softmax(AttentionReference.masked(scores, null, causal))[0];
        return Functions.dropout(p, dropout, true, rng).matmul(v);
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("in_proj_weight", inProjWeight, "in_proj_bias", inProjBias);
    }

    @Override
    protected Map<String, Module> children() {
        return named("out_proj", outProj);
    }

    @Override
    public String toString() {
        return "MultiheadAttention " + embedDim + " heads=" + numHeads;
    }

    /** One line, as a layer's: its only child is its output projection. */
    @Override
    public String label() {
        return toString();
    }
}

package org.fluxion.nn;

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
        Tensor heads = attend(heads(qkv[0]), heads(qkv[1]), heads(qkv[2]), keyValid, causal); // [B, H, L, Dh]
        Tensor merged = heads.transpose(1, 2).reshape(batch, q.dim(1), e);
        Tensor out = outProj.apply(merged);
        return unbatched ? out.squeeze(0) : batchFirst ? out : out.transpose(0, 1);
    }

    /** q, k, v projections: one GEMM for the three (self), or for k and v (same key and value). */
    private Tensor[] project(Tensor q, Tensor k, Tensor v) {
        int e = embedDim;
        if (q == k && k == v) {
            Tensor all = Functions.linear(q, inProjWeight, inProjBias);
            return new Tensor[] {all.slice(2, 0, e), all.slice(2, e, 2 * e), all.slice(2, 2 * e, 3 * e)};
        }
        Tensor pq = Functions.linear(q, inProjWeight.slice(0, 0, e), inProjBias.slice(0, 0, e));
        if (k == v) {
            Tensor kv = Functions.linear(k, inProjWeight.slice(0, e, 3 * e), inProjBias.slice(0, e, 3 * e));
            return new Tensor[] {pq, kv.slice(2, 0, e), kv.slice(2, e, 2 * e)};
        }
        return new Tensor[] {pq, Functions.linear(k, inProjWeight.slice(0, e, 2 * e), inProjBias.slice(0, e, 2 * e)),
            Functions.linear(v, inProjWeight.slice(0, 2 * e, 3 * e), inProjBias.slice(0, 2 * e, 3 * e))};
    }

    /** {@code [B, T, E] -> [B, H, T, E / H]}. */
    private Tensor heads(Tensor x) {
        return x.reshape(x.dim(0), x.dim(1), numHeads, embedDim / numHeads).transpose(1, 2);
    }

    private Tensor attend(Tensor q, Tensor k, Tensor v, Tensor keyValid, boolean causal) {
        double scale = 1 / Math.sqrt(embedDim / (double) numHeads);
        if (!isTraining() || dropout == 0) {
            return Attention.scaledDotProduct(q, k, v, keyValid, causal, scale);
        }
        int b = q.dim(0);
        int l = q.dim(2);
        int s = k.dim(2);
        int n = b * numHeads;
        Tensor keep = keyValid == null ? null : keyValid.expand(b, numHeads, s).reshape(n, s);
        Tensor scores = AttentionReference.masked(q.reshape(n, l, -1).matmul(k.reshape(n, s, -1).transpose(1, 2))
                .mul(scale), keep, causal);
        Tensor p = scores.softmax(-1);
        p = Tensor.where(p.isNaN(), Tensor.zeros(p.dtype()), p); // a query without keys: zeros, as the kernel
        return Functions.dropout(p, dropout, true, rng).matmul(v.reshape(n, s, -1)).reshape(b, numHeads, l, -1);
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

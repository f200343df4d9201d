package org.fluxion.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * PyTorch's {@code nn.TransformerDecoderLayer} (parameter names {@code self_attn.*}, {@code multihead_attn.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1..3.*}). Post-norm: {@code x = norm1(x + sa(x))},
 * {@code x = norm2(x + mha(x, memory))}, {@code x = norm3(x + ff(x))}; pre-norm applies each norm to the
 * branch's input instead. Target {@code [T, B, E]}, memory {@code [S, B, E]} (batch-first: {@code [B, T, E]},
 * {@code [B, S, E]}); output as the target.
 */
public final class TransformerDecoderLayer extends Module {
    private final TransformerConfig config;
    private final MultiheadAttention selfAttn;
    private final MultiheadAttention crossAttn;
    private final FeedForward ff;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(TransformerConfig config, DType dtype, RandomGenerator rng) {
        this.config = config;
        this.selfAttn = new MultiheadAttention(config.dModel(), config.numHeads(), config.dropout(), config.batchFirst(),
                dtype, rng);
        this.crossAttn = new MultiheadAttention(config.dModel(), config.numHeads(), config.dropout(),
                config.batchFirst(), dtype, rng);
        this.ff = new FeedForward(config, dtype, rng);
        this.norm1 = new LayerNorm(new int[] {config.dModel()}, config.layerNormEps(), true, dtype);
        this.norm2 = new LayerNorm(new int[] {config.dModel()}, config.layerNormEps(), true, dtype);
        this.norm3 = new LayerNorm(new int[] {config.dModel()}, config.layerNormEps(), true, dtype);
        this.dropout1 = new Dropout(config.dropout(), rng);
        this.dropout2 = new Dropout(config.dropout(), rng);
        this.dropout3 = new Dropout(config.dropout(), rng);
    }

    /** Decoder-only use: causal self-attention, then the cross-attention over {@code x} itself. */
    @Override
    public Tensor apply(Tensor x) {
        return forward(x, x, true, null, null);
    }

    /**
     * @param tgt                 the target sequence
     * @param memory              the encoder's output
     * @param causal              causal self-attention over the target (PyTorch's square subsequent {@code tgt_mask})
     * @param tgtKeyPaddingMask    bool {@code [B, T]}, true at padding, or null
     * @param memoryKeyPaddingMask bool {@code [B, S]}, true at padding, or null
     */
    public Tensor forward(Tensor tgt, Tensor memory, boolean causal, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        if (config.normFirst()) {
            Tensor n1 = norm1.apply(x);
            x = x.add(dropout1.apply(selfAttn.forward(n1, n1, n1, tgtKeyPaddingMask, causal)));
            x = x.add(dropout2.apply(crossAttn.forward(norm2.apply(x), memory, memory, memoryKeyPaddingMask, false)));
            return x.add(dropout3.apply(ff.apply(norm3.apply(x))));
        }
        x = norm1.apply(x.add(dropout1.apply(selfAttn.forward(x, x, x, tgtKeyPaddingMask, causal))));
        x = norm2.apply(x.add(dropout2.apply(crossAttn.forward(x, memory, memory, memoryKeyPaddingMask, false))));
        return norm3.apply(x.add(dropout3.apply(ff.apply(x))));
    }

    public TransformerConfig config() {
        return config;
    }

    @Override
    protected Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("self_attn", selfAttn);
        c.put("multihead_attn", crossAttn);
        c.putAll(ff.children());
        c.putAll(named("norm1", norm1, "norm2", norm2, "norm3", norm3, "dropout1", dropout1, "dropout2", dropout2,
                "dropout3", dropout3));
        return c;
    }
}

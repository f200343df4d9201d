package org.fluxion.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * PyTorch's {@code nn.TransformerEncoderLayer} (same parameter names: {@code self_attn.in_proj_weight},
 * {@code linear1.weight}, {@code norm1.bias}, ...). Post-norm: {@code x = norm1(x + sa(x))},
 * {@code x = norm2(x + ff(x))}; pre-norm ({@link TransformerConfig#normFirst}): {@code x = x + sa(norm1(x))},
 * {@code x = x + ff(norm2(x))}; {@code sa} is self-attention followed by dropout, {@code ff} the
 * {@link FeedForward} block followed by dropout. Input and output {@code [T, B, E]} ({@code [B, T, E]}
 * batch-first, {@code [T, E]} unbatched).
 */
public final class TransformerEncoderLayer extends Module {
    private final TransformerConfig config;
    private final MultiheadAttention selfAttn;
    private final FeedForward ff;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(TransformerConfig config, DType dtype, RandomGenerator rng) {
        this.config = config;
        this.selfAttn = new MultiheadAttention(config.dModel(), config.numHeads(), config.dropout(), config.batchFirst(),
                dtype, rng);
        this.ff = new FeedForward(config, dtype, rng);
        this.norm1 = new LayerNorm(new int[] {config.dModel()}, config.layerNormEps(), true, dtype);
        this.norm2 = new LayerNorm(new int[] {config.dModel()}, config.layerNormEps(), true, dtype);
        this.dropout1 = new Dropout(config.dropout(), rng);
        this.dropout2 = new Dropout(config.dropout(), rng);
    }

    @Override
    public Tensor apply(Tensor src) {
        return forward(src, null, false);
    }

    /**
     * @param keyPaddingMask bool {@code [B, T]}, true at padding (PyTorch's {@code src_key_padding_mask}), or null
     * @param causal         each position attends to itself and earlier ones only
     */
    public Tensor forward(Tensor src, Tensor keyPaddingMask, boolean causal) {
        Tensor x = src;
        if (config.normFirst()) {
            x = x.add(selfAttention(norm1.apply(x), keyPaddingMask, causal));
            return x.add(dropout2.apply(ff.apply(norm2.apply(x))));
        }
        x = norm1.apply(x.add(selfAttention(x, keyPaddingMask, causal)));
        return norm2.apply(x.add(dropout2.apply(ff.apply(x))));
    }

    private Tensor selfAttention(Tensor x, Tensor keyPaddingMask, boolean causal) {
        return dropout1.apply(selfAttn.forward(x, x, x, keyPaddingMask, causal));
    }

    public TransformerConfig config() {
        return config;
    }

    @Override
    protected Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("self_attn", selfAttn);
        c.putAll(ff.children());
        c.putAll(named("norm1", norm1, "norm2", norm2, "dropout1", dropout1, "dropout2", dropout2));
        return c;
    }
}

package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/** MultiheadAttention, transformer layers and positional encodings: gradients, jit, vmap, names, errors. */
class AttentionLayersTest {
    private static final DType F64 = DType.FLOAT64;
    private static final Tensor PADDING = Tensor.of(new boolean[] {false, false, false, true, true, false, false,
        false, false, false}, 2, 5); // sequence 0 has 3 valid steps

    private static SplittableRandom rng() {
        return new SplittableRandom(21);
    }

    /** Biases and norms away from their zero/one initial values, so that their gradients are tested in general. */
    private static <M extends Module> M scrambled(M m) {
        try (var s = org.fluxion.autodiff.GradMode.noGrad()) {
            int k = 0;
            for (Tensor p : m.parameters().values()) {
                p.copyFrom(p.add(randn(100 + k++, p.dims()).mul(0.3)));
            }
        }
        return m;
    }

    @Test
    void multiheadAttentionGradientsSelfCrossMaskedCausal() {
        MultiheadAttention mha = scrambled(new MultiheadAttention(6, 2, 0, true, F64, rng()));
        LayerGradCheck.check(mha, randn(1, 2, 5, 6), 1e-6);
        LayerGradCheck.check("masked causal self-attention", x -> mha.forward(x, x, x, PADDING, true),
                randn(2, 2, 5, 6), true, mha.parameters(), 1e-6);
        Tensor memory = randn(3, 2, 4, 6);
        Tensor value = randn(4, 2, 4, 6);
        LayerGradCheck.check("cross-attention", x -> mha.forward(x, memory, value, null, false), randn(5, 2, 5, 6), true,
                mha.parameters(), 1e-6);
        LayerGradCheck.check("unbatched", x -> mha.forward(x, x, x, null, true), randn(6, 5, 6), true,
                mha.parameters(), 1e-6);
        Tensor additive = randn(7, 5, 5);
        LayerGradCheck.check("float attn_mask", x -> mha.forward(x, x, x, PADDING, additive, true), randn(8, 2, 5, 6),
                true, mha.parameters(), 1e-6);
    }

    @Test
    void transformerLayerGradientsPostAndPreNorm() {
        for (boolean pre : new boolean[] {false, true}) {
            TransformerConfig c = TransformerConfig.of(6, 3).withFeedforward(8).withDropout(0).withNormFirst(pre)
                    .withBatchFirst(true);
            TransformerEncoderLayer enc = scrambled(new TransformerEncoderLayer(c, F64, rng()));
            LayerGradCheck.check("encoder pre=" + pre, x -> enc.forward(x, PADDING, false), randn(7, 2, 5, 6), true,
                    enc.parameters(), 1e-6);
            TransformerDecoderLayer dec = scrambled(new TransformerDecoderLayer(c.withGelu(true), F64, rng()));
            Tensor memory = randn(8, 2, 5, 6);
            LayerGradCheck.check("decoder pre=" + pre, x -> dec.forward(x, memory, true, null, PADDING),
                    randn(9, 2, 3, 6), true, dec.parameters(), 1e-6);
        }
    }

    @Test
    void positionalEncodings() {
        PositionalEncoding sin = PositionalEncoding.sinusoidal(10, 4, false, F64);
        assertEquals(Math.sin(3), sin.table().get(3, 0), 1e-15);
        assertEquals(Math.cos(3), sin.table().get(3, 1), 1e-15);
        assertEquals(Math.sin(3 / 100.0), sin.table().get(3, 2), 1e-15);
        assertEquals(Math.cos(3 / 100.0), sin.table().get(3, 3), 1e-15);
        assertEquals(List.of("pe"), List.copyOf(sin.buffers().keySet()));
        Tensor x = randn(10, 6, 2, 4);
        assertTrue(sin.apply(x).sub(x).select(1, 1).allClose(sin.table().slice(0, 0, 6), 0, 1e-12));
        LayerGradCheck.check(sin, x, 1e-6);
        PositionalEncoding learned = PositionalEncoding.learned(10, 4, true, F64, rng());
        LayerGradCheck.check(learned, randn(11, 2, 6, 4), 1e-6);
        var e = assertThrows(LayerInputException.class, () -> learned.apply(randn(12, 2, 11, 4)));
        assertTrue(e.getMessage().contains("T <= 10") && e.getMessage().contains("[2, 11, 4]"), e.getMessage());
    }

    @Test
    void jitAndVmapEqualEager() {
        TransformerConfig c = TransformerConfig.of(8, 2).withFeedforward(16).withDropout(0).withBatchFirst(true);
        TransformerEncoderLayer enc = new TransformerEncoderLayer(c, F64, rng());
        Tensor x = randn(13, 3, 7, 8);
        var compiled = Jit.jit((Tensor t) -> enc.forward(t, null, true));
        Tensor eager = enc.forward(x, null, true);
        assertTrue(eager.allClose(compiled.apply(x), 1e-12, 1e-12));
        assertTrue(compiled.graph(x).toString().contains("flash_attention"), compiled.graph(x).toString());
        Tensor mapped = Vmap.vmap((Tensor t) -> enc.forward(t, null, true)).apply(x); // each example [T, E]
        assertTrue(eager.allClose(mapped, 1e-12, 1e-12));
        FunctionGradCheck.check("jit(encoder)", xs -> compiled.apply(xs[0]), new Tensor[] {x}, 1e-5, 1);
    }

    @Test
    void attentionDropoutOnlyInTraining() {
        MultiheadAttention drop = new MultiheadAttention(6, 2, 0.5, true, F64, rng());
        MultiheadAttention none = new MultiheadAttention(6, 2, 0, true, F64, rng());
        none.loadStateDict(drop.stateDict());
        Tensor x = randn(14, 2, 5, 6);
        assertTrue(!drop.apply(x).allClose(none.apply(x), 1e-6, 1e-6), "dropout changes the output in training mode");
        drop.eval();
        assertTrue(drop.apply(x).allClose(none.apply(x), 1e-12, 1e-12), "and nothing in evaluation mode");
    }

    @Test
    void pyTorchNames() {
        TransformerDecoderLayer dec = new TransformerDecoderLayer(TransformerConfig.of(8, 2), F64, rng());
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias",
                "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias", "linear1.weight", "linear1.bias",
                "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
                "norm3.weight", "norm3.bias"), List.copyOf(dec.parameters().keySet()));
    }

    @Test
    void badShapesNameTheLayer() {
        MultiheadAttention mha = new MultiheadAttention(6, 2, rng());
        var e = assertThrows(LayerInputException.class, () -> mha.apply(Tensor.zeros(5, 2, 4)));
        assertTrue(e.getMessage().contains("MultiheadAttention 6 heads=2") && e.getMessage().contains("[5, 2, 4]"),
                e.getMessage());
        e = assertThrows(LayerInputException.class, () -> mha.forward(Tensor.zeros(5, 2, 6), Tensor.zeros(5, 2, 6),
                Tensor.zeros(5, 2, 6), Tensor.zeros(2, 5), false));
        assertTrue(e.getMessage().contains("bool key padding mask [2, 5]"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(6, 4, rng()));
        assertTrue(bad.getMessage().contains("embedDim 6 must be divisible by numHeads 4"), bad.getMessage());
    }
}

package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * MultiheadAttention and the transformer layers against PyTorch's modules loaded with the same state dict:
 * outputs and the gradients of every parameter and of the input, with key padding and causal masks,
 * post-norm and pre-norm, time-major and batch-first.
 */
class AttentionTorchTest {
    private static final DType F64 = DType.FLOAT64;
    /** Sequence 1 has 4 valid steps of 6; true marks padding (PyTorch's convention). */
    private static final Tensor PADDING = Tensor.of(new boolean[] {false, false, false, false, false, false,
        false, false, false, false, true, true}, 2, 6);

    /** Scrambles the zero biases and unit norms, so that every gradient is compared in general position. */
    private static void scramble(Module m) {
        try (var s = org.fluxion.autodiff.GradMode.noGrad()) {
            int k = 0;
            for (Tensor p : m.parameters().values()) {
                p.copyFrom(p.add(randn(200 + k++, p.dims()).mul(0.2)));
            }
        }
    }

    /**
     * Runs {@code forward} here and {@code torchForward} (a Python expression of {@code m}, {@code x} and the
     * inputs {@code I}) in PyTorch after loading the same weights; compares the output and all gradients of
     * {@code sum(out * r)}.
     */
    private static void compare(String what, Module m, String torchModule, Tensor x, Function<Tensor, Tensor> forward,
                                String torchForward, Map<String, Tensor> extra) throws Exception {
        scramble(m);
        Tensor xg = x.copy().requiresGrad(true);
        Tensor out = forward.apply(xg);
        Tensor r = randn(300, out.dims());
        m.zeroGrad();
        out.mul(r).sum().backward();
        Map<String, Tensor> in = new LinkedHashMap<>(extra);
        m.parameters().forEach((k, v) -> in.put("p_" + k, v.detach()));
        in.put("x", x);
        in.put("r", r);
        Map<String, Tensor> torch = TorchReference.run("""
                m = %s
                m.load_state_dict({k[2:]: v for k, v in I.items() if k.startswith('p_')})
                m.train()
                x = I['x'].clone().requires_grad_(True)
                def causal(t):
                    return torch.triu(torch.full((t, t), float('-inf')), diagonal=1)
                y = %s
                (y * I['r']).sum().backward()
                O['y'] = y
                O['gx'] = x.grad
                for k, p in m.named_parameters():
                    O['g_' + k] = p.grad
                """.formatted(torchModule, torchForward), in);
        TorchReference.assertClose(what + " output", torch.get("y"), out, 1e-10);
        TorchReference.assertClose(what + " d/dx", torch.get("gx"), xg.grad(), 1e-10);
        for (var e : m.parameters().entrySet()) {
            TorchReference.assertClose(what + " d/d" + e.getKey(), torch.get("g_" + e.getKey()), e.getValue().grad(),
                    1e-10);
        }
    }

    @Test
    void multiheadAttentionSelfAndCross() throws Exception {
        TorchReference.assume();
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0, false, F64, new SplittableRandom(1));
        compare("self-attention, padding", mha, "torch.nn.MultiheadAttention(8, 2)", randn(1, 6, 2, 8),
                x -> mha.forward(x, x, x, PADDING, false),
                "m(x, x, x, key_padding_mask=I['pad'], need_weights=False)[0]", Map.of("pad", PADDING));
        compare("self-attention, causal", mha, "torch.nn.MultiheadAttention(8, 2)", randn(2, 6, 2, 8),
                x -> mha.forward(x, x, x, null, true), "m(x, x, x, attn_mask=causal(6), need_weights=False)[0]",
                Map.of());
        Tensor additive = randn(9, 6, 6);
        compare("self-attention, float attn_mask and padding", mha, "torch.nn.MultiheadAttention(8, 2)",
                randn(10, 6, 2, 8), x -> mha.forward(x, x, x, PADDING, additive, false),
                "m(x, x, x, key_padding_mask=I['pad'], attn_mask=I['am'], need_weights=False)[0]",
                Map.of("pad", PADDING, "am", additive));
        Tensor blocked = randn(11, 4, 6, 6).gt(0.8); // [B * H, L, S], true: may not attend
        compare("self-attention, bool attn_mask per head", mha, "torch.nn.MultiheadAttention(8, 2)",
                randn(12, 6, 2, 8), x -> mha.forward(x, x, x, null, blocked, false),
                "m(x, x, x, attn_mask=I['am'], need_weights=False)[0]", Map.of("am", blocked));
        Tensor memory = randn(3, 5, 2, 8);
        MultiheadAttention cross = new MultiheadAttention(8, 4, 0, true, F64, new SplittableRandom(2));
        compare("cross-attention, batch-first", cross, "torch.nn.MultiheadAttention(8, 4, batch_first=True)",
                randn(4, 2, 3, 8), x -> cross.forward(x, memory.transpose(0, 1), memory.transpose(0, 1), null, false),
                "m(x, I['mem'].transpose(0, 1), I['mem'].transpose(0, 1), need_weights=False)[0]",
                Map.of("mem", memory));
    }

    @Test
    void encoderAndDecoderLayersPostAndPreNorm() throws Exception {
        TorchReference.assume();
        for (boolean pre : new boolean[] {false, true}) {
            TransformerConfig c = TransformerConfig.of(8, 2).withFeedforward(12).withDropout(0).withNormFirst(pre);
            String args = "8, 2, dim_feedforward=12, dropout=0.0, norm_first=" + (pre ? "True" : "False");
            TransformerEncoderLayer enc = new TransformerEncoderLayer(c, F64, new SplittableRandom(3));
            compare("encoder pre=" + pre, enc, "torch.nn.TransformerEncoderLayer(" + args + ")", randn(5, 6, 2, 8),
                    x -> enc.forward(x, PADDING, true),
                    "m(x, src_mask=causal(6), src_key_padding_mask=I['pad'])", Map.of("pad", PADDING));
            TransformerEncoderLayer encBf = new TransformerEncoderLayer(c.withBatchFirst(true), F64,
                    new SplittableRandom(4));
            compare("encoder batch-first pre=" + pre, encBf, "torch.nn.TransformerEncoderLayer(" + args
                    + ", batch_first=True)", randn(6, 2, 6, 8), encBf::apply, "m(x)", Map.of());
            TransformerDecoderLayer dec = new TransformerDecoderLayer(c, F64, new SplittableRandom(5));
            Tensor memory = randn(7, 6, 2, 8);
            compare("decoder pre=" + pre, dec, "torch.nn.TransformerDecoderLayer(" + args + ")", randn(8, 4, 2, 8),
                    x -> dec.forward(x, memory, true, null, PADDING),
                    "m(x, I['mem'], tgt_mask=causal(4), memory_key_padding_mask=I['pad'])",
                    Map.of("pad", PADDING, "mem", memory));
        }
    }
}

package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/**
 * The fused LSTM time loop ({@link LstmRecurrence}) and its VJP ({@link LstmRecurrenceVjp}): rules against finite
 * differences (forward and reverse, first and second order), the float32 kernels against the composite formulas,
 * jit and vmap, and the layer's second order through the fused path.
 */
class LstmRecurrenceTest {
    private static final int T = 4;
    private static final int B = 2;
    private static final int H = 3;

    /** proj [T, B, 4H], h0, c0 [B, H], W_hh [4H, H]. */
    private static Tensor[] inputs(DType d, long seed, int steps, int batch, int hidden) {
        return new Tensor[] {randn(seed, steps, batch, 4 * hidden).to(d), randn(seed + 1, batch, hidden).to(d),
                randn(seed + 2, batch, hidden).to(d), randn(seed + 3, 4 * hidden, hidden).mul(0.5).to(d)};
    }

    private static Tensor joined(Tensor[] outs) {
        List<Tensor> flat = new ArrayList<>();
        for (Tensor t : outs) {
            flat.add(t.reshape(-1));
        }
        return Tensor.concat(0, flat);
    }

    private static Tensor[] vjpInputs(DType d, long seed, int steps, int batch, int hidden) {
        Tensor[] in = inputs(d, seed, steps, batch, hidden);
        Tensor[] outs = Ops.bindAll(new LstmRecurrence(), in);
        return new Tensor[] {randn(seed + 10, steps, batch, hidden).to(d), randn(seed + 11, steps, batch, hidden).to(d),
                randn(seed + 12, steps, batch, 4 * hidden).to(d), in[1], in[2], in[3], outs[0], outs[1], outs[2]};
    }

    @Test
    void rulesMatchFiniteDifferencesToSecondOrder() {
        FunctionGradCheck.check("lstm_recurrence", xs -> joined(Ops.bindAll(new LstmRecurrence(), xs)),
                inputs(DType.FLOAT64, 1, T, B, H), 1e-5, 2);
    }

    @Test
    void vjpPrimitiveRulesMatchFiniteDifferences() {
        // ys, cs and acts enter as free inputs here: the rules are those of the sweep as a function of all nine
        FunctionGradCheck.check("lstm_recurrence_vjp", xs -> joined(Ops.bindAll(new LstmRecurrenceVjp(), xs)),
                vjpInputs(DType.FLOAT64, 2, T, B, H), 1e-5, 1);
    }

    @Test
    void vjpPrimitiveIsTheVjpOfTheForwardPrimitive() {
        Tensor[] in = inputs(DType.FLOAT64, 3, T, B, H);
        Tensor[] g = {randn(4, T, B, H), randn(5, T, B, H), randn(6, T, B, 4 * H)};
        var vr = org.fluxion.autodiff.Functional.vjpN(x -> LstmRecurrence.composite(x[0], x[1], x[2], x[3]), in);
        Tensor[] expected = vr.pullback().apply(g);
        Tensor[] outs = Ops.bindAll(new LstmRecurrence(), in);
        Tensor[] fused = Ops.bindAll(new LstmRecurrenceVjp(), g[0], g[1], g[2], in[1], in[2], in[3], outs[0], outs[1],
                outs[2]);
        for (int k = 0; k < 4; k++) {
            assertTrue(expected[k].allClose(fused[k], 1e-12, 1e-12), "cotangent of input " + k);
        }
    }

    @Test
    void float32KernelsEqualTheCompositeFormulas() {
        // H = 40: gate blocks not multiples of the vector length (scalar tails); B = 19: three row blocks of the
        // register tile, the last one partial, split over the threads
        Tensor[] in = inputs(DType.FLOAT32, 7, 9, 19, 40);
        Tensor[] kernel = Ops.bindAll(new LstmRecurrence(), in);
        Tensor[] composite = LstmRecurrence.composite(in[0], in[1], in[2], in[3]);
        for (int k = 0; k < 3; k++) {
            assertEquals(DType.FLOAT32, kernel[k].dtype());
            assertTrue(composite[k].allClose(kernel[k], 1e-5, 1e-5), "forward output " + k + " max difference "
                    + composite[k].sub(kernel[k]).abs().max().item());
        }
        Tensor[] vin = vjpInputs(DType.FLOAT32, 8, 9, 19, 40);
        Tensor[] vk = Ops.bindAll(new LstmRecurrenceVjp(), vin);
        Tensor[] vc = LstmRecurrenceVjp.composite(vin);
        for (int k = 0; k < 4; k++) {
            assertTrue(vc[k].allClose(vk[k], 1e-4, 1e-5), "VJP output " + k + " max difference "
                    + vc[k].sub(vk[k]).abs().max().item());
        }
        // absent cotangents of cs and acts reach the kernel as broadcast zeros, which it does not read
        Tensor[] sparse = vin.clone();
        for (int k = 1; k < 3; k++) {
            sparse[k] = Tensor.scalar(0, DType.FLOAT32).expand(vin[k].dims());
        }
        Tensor[] sk = Ops.bindAll(new LstmRecurrenceVjp(), sparse);
        Tensor[] sc = LstmRecurrenceVjp.composite(sparse);
        for (int k = 0; k < 4; k++) {
            assertTrue(sc[k].allClose(sk[k], 1e-4, 1e-5), "VJP output " + k + " with zero cotangents, max difference "
                    + sc[k].sub(sk[k]).abs().max().item());
        }
    }

    @Test
    void jitAndVmapEqualEager() {
        Tensor[] in = inputs(DType.FLOAT64, 9, T, B, H);
        Function<Tensor[], Tensor> f = xs -> joined(Ops.bindAll(new LstmRecurrence(), xs));
        assertTrue(f.apply(in).allClose(Jit.jit(f).apply(in), 1e-12, 1e-12), "jit");
        Tensor projs = randn(10, 3, T, B, 4 * H);
        Tensor mapped = Vmap.vmap((Tensor p) -> f.apply(new Tensor[] {p, in[1], in[2], in[3]})).apply(projs);
        for (int e = 0; e < 3; e++) {
            Tensor one = f.apply(new Tensor[] {projs.select(0, e), in[1], in[2], in[3]});
            assertTrue(one.allClose(mapped.select(0, e), 1e-12, 1e-12), "vmap example " + e);
        }
    }

    @Test
    void layerSecondOrderThroughTheFusedLoop() {
        RecurrentConfig c = RecurrentConfig.of(RecurrentCell.LSTM, 2, 3).withLayers(2).withBidirectional(true);
        Map<String, Tensor> params = Recurrent.initParameters(c, DType.FLOAT64, new SplittableRandom(4));
        FunctionGradCheck.check("LSTM (x, h0, c0), no lengths", xs -> {
            RecurrentOutput r = Recurrent.apply(c, params, xs[0], new RecurrentState(xs[1], xs[2]), null, null);
            return Tensor.concat(0, r.output().reshape(-1), r.state().h().reshape(-1), r.state().c().reshape(-1));
        }, new Tensor[] {randn(11, 5, 2, 2), randn(12, 4, 2, 3), randn(13, 4, 2, 3)}, 1e-5, 2);
    }

    @Test
    void mismatchedShapesNameThePrimitiveAndTheShapes() {
        Tensor[] in = inputs(DType.FLOAT64, 14, T, B, H);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.bindAll(new LstmRecurrence(), in[0], in[1], in[2], in[3].transpose()));
        assertTrue(e.getMessage().contains("lstm_recurrence") && e.getMessage().contains("[3, 12]"), e.getMessage());
    }
}

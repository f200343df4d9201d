package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/** Rnn, Lstm and Gru: gradients, jit, vmap, padded sequences and PyTorch on the same weights. */
class RecurrentTest {
    private static final DType F64 = DType.FLOAT64;
    private static final RecurrentCell[] CELLS = RecurrentCell.values();

    private static RecurrentLayer layer(RecurrentConfig c) {
        SplittableRandom rng = new SplittableRandom(5);
        return switch (c.cell()) {
            case LSTM -> new Lstm(c, F64, rng);
            case GRU -> new Gru(c, F64, rng);
            case RNN_TANH, RNN_RELU -> new Rnn(c, F64, rng);
        };
    }

    /** Output, final h and final c flattened into one vector, so one check covers all three. */
    private static Tensor everything(RecurrentOutput r) {
        List<Tensor> parts = new ArrayList<>(List.of(r.output().flatten(), r.state().h().flatten()));
        if (r.state().c() != null) {
            parts.add(r.state().c().flatten());
        }
        return Tensor.concat(0, parts);
    }

    @Test
    void reverseModeOfEveryCellStackedBidirectionalBatchFirst() {
        for (RecurrentCell cell : CELLS) {
            RecurrentConfig c = RecurrentConfig.of(cell, 3, 4).withLayers(2).withBidirectional(true);
            LayerGradCheck.check(layer(c), randn(1, 5, 2, 3), 1e-6);
            LayerGradCheck.check(layer(c.withBatchFirst(true).withLayers(1)), randn(2, 2, 5, 3), 1e-6);
        }
    }

    @Test
    void forwardAndSecondOrderThroughStateMasksAndWeights() {
        Tensor lengths = Tensor.of(new long[] {4, 2, 3}, 3);
        for (RecurrentCell cell : CELLS) {
            RecurrentConfig c = RecurrentConfig.of(cell, 2, 3).withBidirectional(true);
            Map<String, Tensor> params = Recurrent.initParameters(c, F64, new SplittableRandom(3));
            Tensor h0 = randn(4, 2, 3, 3);
            Tensor c0 = randn(5, 2, 3, 3);
            FunctionGradCheck.check(cell + " (x, h0, c0, weight_hh_l0_reverse)", xs -> {
                Map<String, Tensor> p = new LinkedHashMap<>(params);
                p.put("weight_hh_l0_reverse", xs[3]);
                RecurrentState s = new RecurrentState(xs[1], cell.hasCellState() ? xs[2] : null);
                return everything(Recurrent.apply(c, p, xs[0], s, lengths, null));
            }, new Tensor[] {randn(6, 4, 3, 2), h0, c0, params.get("weight_hh_l0_reverse")}, 1e-5, 2);
        }
    }

    @Test
    void jitScansOnceAndEqualsEagerInValueAndGradient() {
        for (RecurrentCell cell : CELLS) {
            RecurrentConfig c = RecurrentConfig.of(cell, 3, 4).withLayers(2).withBidirectional(true);
            Map<String, Tensor> params = Recurrent.initParameters(c, F64, new SplittableRandom(8));
            Tensor x = randn(9, 6, 2, 3);
            Tensor lengths = Tensor.of(new long[] {6, 3}, 2);
            Tensor r = randn(10, 6, 2, 8);
            java.util.function.Function<Map<String, Tensor>, Tensor> loss =
                    p -> Recurrent.apply(c, p, x, null, lengths, null).output().mul(r).sum();
            Jitted<Map<String, Tensor>, Tensor> forward =
                    Jit.jit(p -> Recurrent.apply(c, p, x, null, lengths, null).output());
            Tensor eager = Recurrent.apply(c, params, x, null, lengths, null).output();
            assertTrue(eager.allClose(forward.apply(params), 1e-12, 1e-12), cell + ": jit vs eager value");
            assertEquals(4, forward.graph(params).count("scan"), cell + ": one scan per layer and direction");

            Map<String, Tensor> eagerGrad = Functional.treeGrad(loss).apply(params);
            Map<String, Tensor> jitGrad = Jit.jit(Functional.treeGrad(loss)).apply(params);
            for (String name : params.keySet()) {
                assertTrue(eagerGrad.get(name).allClose(jitGrad.get(name), 1e-10, 1e-12),
                        cell + ": jit(grad) vs grad of " + name);
            }
        }
    }

    @Test
    void derivativesUnderJitAndVmapMatchFiniteDifferences() {
        RecurrentConfig c = RecurrentConfig.of(RecurrentCell.LSTM, 2, 3);
        Map<String, Tensor> params = Recurrent.initParameters(c, F64, new SplittableRandom(12));
        java.util.function.Function<Tensor[], Tensor> f =
                xs -> Recurrent.apply(c, params, xs[0], null, null, null).output();
        var jitted = Jit.jit((Tensor[] xs) -> f.apply(xs));
        FunctionGradCheck.check("jit(LSTM)", jitted::apply, new Tensor[] {randn(13, 4, 2)}, 1e-5, 2);
        var mapped = Vmap.vmap((Tensor x) -> f.apply(new Tensor[] {x}));
        FunctionGradCheck.check("vmap(LSTM)", xs -> mapped.apply(xs[0]), new Tensor[] {randn(14, 3, 4, 2)}, 1e-5, 1);
    }

    @Test
    void vmapOverExamplesEqualsTheBatchedLayer() {
        for (RecurrentCell cell : CELLS) {
            RecurrentLayer l = layer(RecurrentConfig.of(cell, 3, 4).withLayers(2).withBidirectional(true));
            Tensor x = randn(15, 3, 5, 3); // [B, T, in]
            Tensor batched = l.apply(x.transpose(0, 1)).transpose(0, 1);
            Tensor mapped = Vmap.vmap(l::apply).apply(x); // each example unbatched [T, in]
            assertTrue(batched.allClose(mapped, 1e-12, 1e-12), cell + ": vmap vs batch");
        }
    }

    @Test
    void paddedSequencesEqualTheirOwnShorterRuns() {
        for (RecurrentCell cell : CELLS) {
            RecurrentConfig c = RecurrentConfig.of(cell, 2, 3).withLayers(2).withBidirectional(true).withBatchFirst(true);
            RecurrentLayer l = layer(c);
            Tensor x = randn(16, 3, 5, 2);
            long[] lens = {5, 2, 0};
            RecurrentOutput all = l.forward(x, null, Tensor.of(lens, 3));
            for (int b = 0; b < 3; b++) {
                int n = (int) lens[b];
                Tensor outB = all.output().select(0, b);
                if (n > 0) {
                    RecurrentOutput alone = l.forward(x.select(0, b).slice(0, 0, n), null, null);
                    assertTrue(alone.output().allClose(outB.slice(0, 0, n), 1e-12, 1e-12), cell + ": valid outputs " + b);
                    assertTrue(alone.state().h().allClose(all.state().h().select(1, b), 1e-12, 1e-12), cell + ": h " + b);
                } else {
                    assertTrue(all.state().h().select(1, b).abs().max().item() == 0, cell + ": zero length keeps h0");
                }
                if (n < 5) {
                    assertEquals(0, outB.slice(0, n, 5).abs().max().item(), cell + ": padded outputs are zero");
                }
            }
        }
    }

    @Test
    void parameterNamesAndShapesArePyTorchs() {
        RecurrentLayer l = layer(RecurrentConfig.of(RecurrentCell.LSTM, 3, 4).withLayers(2).withBidirectional(true));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(l.parameters().keySet()));
        assertEquals(List.of(16, 8), List.of(l.parameter("weight_ih_l1").dim(0), l.parameter("weight_ih_l1").dim(1)));
        assertEquals(List.of(9, 2), List.of(layer(RecurrentConfig.of(RecurrentCell.GRU, 2, 3)).parameter("weight_ih_l0")
                .dim(0), 2));
    }

    @Test
    void badInputsNameTheLayerAndShapes() {
        RecurrentLayer l = layer(RecurrentConfig.of(RecurrentCell.LSTM, 3, 4));
        var e = assertThrows(LayerInputException.class, () -> l.apply(randn(1, 5, 2, 4)));
        assertTrue(e.getMessage().contains("[T, B, 3]") && e.getMessage().contains("[5, 2, 4]"), e.getMessage());
        e = assertThrows(LayerInputException.class,
                () -> l.forward(randn(1, 5, 2, 3), new RecurrentState(randn(2, 1, 3, 4), randn(3, 1, 2, 4)), null));
        assertTrue(e.getMessage().contains("initial h [1, 2, 4]") && e.getMessage().contains("[1, 3, 4]"), e.getMessage());
        e = assertThrows(LayerInputException.class, () -> l.forward(randn(1, 5, 2, 3), null, Tensor.of(new long[] {6, 1}, 2)));
        assertTrue(e.getMessage().contains("length 6 of sequence 0 is outside [0, 5]"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> new Lstm(RecurrentConfig.of(RecurrentCell.GRU, 3, 4), F64, new SplittableRandom(1)));
        assertTrue(bad.getMessage().contains("must be LSTM, got GRU"), bad.getMessage());
    }
}

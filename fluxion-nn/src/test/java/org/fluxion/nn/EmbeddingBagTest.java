package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.autodiff.GradMode;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.sparse.RowSparse;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** EmbeddingBag's reductions against a loop over the bags, its gradients, and its sparse gradient. */
class EmbeddingBagTest {
    /** Bags {7, 2, 7}, {}, {4}, {0, 9, 2, 2}: a repeat within a bag, an empty bag, repeats across bags. */
    static final long[] IDS = {7, 2, 7, 4, 0, 9, 2, 2};
    static final long[] OFFSETS = {0, 3, 3, 4};

    static Tensor table() {
        return Tensor.randn(new SplittableRandom(5), DType.FLOAT64, 10, 3);
    }

    static Tensor ids() {
        return Tensor.of(IDS, IDS.length);
    }

    static Tensor offsets() {
        return Tensor.of(OFFSETS, OFFSETS.length);
    }

    @Test
    void sumMeanAndMaxEqualALoopOverTheBags() {
        Tensor t = table();
        double[] w = {0.5, -1, 2, 1, 3, 0.25, 1, -2};
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            EmbeddingBag bag = new EmbeddingBag(t.copy(), mode, false);
            Tensor weights = mode == EmbeddingBag.Mode.SUM ? Tensor.of(w, w.length) : null;
            Tensor out = bag.apply(ids(), offsets(), weights);
            assertArrayEquals(new int[] {4, 3}, out.dims());
            for (int b = 0; b < 4; b++) {
                int start = (int) OFFSETS[b];
                int end = b + 1 < 4 ? (int) OFFSETS[b + 1] : IDS.length;
                for (int k = 0; k < 3; k++) {
                    double acc = mode == EmbeddingBag.Mode.MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int j = start; j < end; j++) {
                        double x = t.get((int) IDS[j], k) * (weights == null ? 1 : w[j]);
                        acc = mode == EmbeddingBag.Mode.MAX ? Math.max(acc, x) : acc + x;
                    }
                    double expected = end == start ? 0 : mode == EmbeddingBag.Mode.MEAN ? acc / (end - start) : acc;
                    assertEquals(expected, out.get(b, k), 1e-12, mode + " bag " + b + " column " + k);
                }
            }
        }
    }

    @Test
    void fixedLengthBagsAndSparseRowsAreTheSameBags() {
        EmbeddingBag bag = new EmbeddingBag(table(), EmbeddingBag.Mode.MEAN, false);
        Tensor square = Tensor.of(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertTrue(bag.apply(square).allClose(bag.apply(square.reshape(-1), Tensor.of(new long[] {0, 3}, 2))));
        EmbeddingBag sum = new EmbeddingBag(table(), EmbeddingBag.Mode.SUM, false);
        CsrMatrix rows = CsrMatrix.of(new long[] {0, 2, 3}, new long[] {1, 4, 4}, Tensor.of(new double[] {2, 1, 3}, 3), 2, 10);
        Tensor expected = rows.matmul(sum.weight());
        assertTrue(sum.apply(rows).allClose(expected, 1e-12, 1e-12));
    }

    /** Dense-mode gradients of the table and the per-sample weights against finite differences. */
    @Test
    void gradientsMatchFiniteDifferences() {
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            EmbeddingBag bag = new EmbeddingBag(table(), mode, false);
            Map<String, Tensor> params = new LinkedHashMap<>(bag.parameters());
            Tensor weights = null;
            if (mode == EmbeddingBag.Mode.SUM) {
                weights = Tensor.randn(new SplittableRandom(6), DType.FLOAT64, IDS.length).requiresGrad(true);
                params.put("perSampleWeights", weights);
            }
            Tensor w = weights;
            LayerGradCheck.check(bag.toString(), ids -> bag.apply(ids, offsets(), w), ids(), false, params, 1e-6);
        }
    }

    /** The sparse gradient holds exactly the touched rows, equal to the dense gradient there. */
    @Test
    void theSparseGradientIsTheDenseGradientAtTheTouchedRows() {
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            EmbeddingBag dense = new EmbeddingBag(table(), mode, false);
            EmbeddingBag sparse = new EmbeddingBag(table(), mode, true);
            Tensor r = Tensor.randn(new SplittableRandom(7), DType.FLOAT64, 4, 3);
            dense.apply(ids(), offsets()).mul(r).sum().backward();
            // two lookups before the step: their gradients add up
            sparse.apply(ids().slice(0, 0, 4), Tensor.of(new long[] {0, 3, 3}, 3)).mul(r.slice(0, 0, 3)).sum().backward();
            sparse.apply(ids().slice(0, 4, 8), Tensor.of(new long[] {0}, 1)).mul(r.slice(0, 3, 4)).sum().backward();
            assertNull(sparse.weight().grad(), "the table itself gets no dense gradient");
            RowSparse g = sparse.takeSparseGradient();
            assertArrayEquals(new long[] {0, 2, 4, 7, 9}, g.indices().toLongArray());
            assertArrayEquals(new int[] {5, 3}, g.values().dims());
            assertTrue(g.toDense().allClose(dense.weight().grad(), 1e-12, 1e-12), mode + ": sparse vs dense gradient");
            assertNull(sparse.takeSparseGradient(), "taken: nothing left");
        }
    }

    /** The pure form under jit (value and gradient) and vmap (a batch of tables) equals eager and a loop. */
    @Test
    void theBagsUnderJitAndVmapEqualEagerAndALoop() {
        long[] crow = {0, 3, 3, 4, 8};
        for (EmbeddingBag.Mode mode : EmbeddingBag.Mode.values()) {
            java.util.function.Function<Tensor, Tensor> f = t -> EmbeddingBag.reduce(t, IDS, crow, null, mode).sin().sum();
            Tensor t = table();
            assertEquals(f.apply(t).item(), org.fluxion.jit.Jit.jit(f).apply(t).item(), 1e-12, mode + " jit");
            var grad = org.fluxion.autodiff.Functional.grad(f);
            assertTrue(org.fluxion.jit.Jit.jit(grad).apply(t).allClose(grad.apply(t), 1e-12, 1e-12), mode + " jit of grad");
            Tensor tables = Tensor.stack(0, t, t.mul(-0.5).add(1));
            Tensor batched = org.fluxion.transforms.Vmap.vmap(
                    (Tensor x) -> EmbeddingBag.reduce(x, IDS, crow, null, mode)).apply(tables);
            for (int k = 0; k < 2; k++) {
                assertTrue(batched.select(0, k).allClose(EmbeddingBag.reduce(tables.select(0, k), IDS, crow, null, mode),
                        1e-12, 1e-12), mode + " vmap example " + k);
            }
        }
    }

    @Test
    void noLeafIsRecordedWithoutGradients() {
        EmbeddingBag sparse = new EmbeddingBag(table(), EmbeddingBag.Mode.SUM, true);
        try (var noGrad = GradMode.noGrad()) {
            sparse.apply(ids(), offsets());
        }
        assertNull(sparse.takeSparseGradient());
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    @Test
    void badIdsOffsetsAndWeightsAreNamed() {
        EmbeddingBag bag = new EmbeddingBag(table(), EmbeddingBag.Mode.MEAN, true);
        assertMessage(assertThrows(LayerInputException.class,
                () -> bag.apply(Tensor.of(new long[] {1, 10}, 2), Tensor.of(new long[] {0}, 1))),
                "EmbeddingBag 10x3 mean sparse", "id 10 at position 1", "10 rows");
        assertMessage(assertThrows(LayerInputException.class,
                () -> bag.apply(ids(), Tensor.of(new long[] {0, 5, 2}, 3))), "offsets[2] = 2");
        assertMessage(assertThrows(LayerInputException.class,
                () -> bag.apply(ids(), Tensor.of(new long[] {1}, 1))), "start at 0", "offsets[0] = 1");
        assertMessage(assertThrows(LayerInputException.class,
                () -> bag.apply(ids(), offsets(), Tensor.ones(DType.FLOAT64, IDS.length))), "need mode SUM");
        assertMessage(assertThrows(LayerInputException.class,
                () -> bag.apply(ids().to(DType.FLOAT32), offsets())), "int32 or int64 vector", "float32");
    }
}

package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.jit.ir.Graph;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A sum over leading axes (a bias gradient) of what a fused kernel computes is computed by that kernel
 * ({@code fused_sum}): the plan has no {@code sum} step, the value keeps its readers, and the sum is the eager sum
 * of the value the plan computed.
 */
class RowSumsTest {
    private static final SplittableRandom RNG = new SplittableRandom(11);

    /** {@code tanh(x * b) * x} and its sum over {@code axes}: a bias's cotangent and the bias gradient. */
    private static List<Tensor> cotangentAndSum(Tensor x, Tensor b, int[] axes, boolean keepDims) {
        Tensor y = x.mul(b).tanh().mul(x);
        return List.of(y, y.sum(axes, keepDims));
    }

    /** The compiled pair, after checking that the plan computes the sum in the kernel. */
    private static List<Tensor> compiled(Tensor x, Tensor b, int[] axes, boolean keepDims) {
        Function<List<Tensor>, List<Tensor>> f = a -> cotangentAndSum(a.get(0), a.get(1), axes, keepDims);
        Jitted<List<Tensor>, List<Tensor>> j = Jit.jit(f);
        Graph g = j.graph(List.of(x, b));
        assertEquals(1, g.count("fused_sum"), g.toString());
        assertEquals(0, g.count("sum"), g.toString());
        return j.apply(List.of(x, b));
    }

    private static void check(Tensor x, Tensor b, int[] axes, boolean keepDims, boolean sameBits) {
        List<Tensor> got = compiled(x, b, axes, keepDims);
        List<Tensor> eager = cotangentAndSum(x, b, axes, keepDims);
        String what = x.dtype() + java.util.Arrays.toString(x.dims()) + " b" + java.util.Arrays.toString(b.dims());
        assertTrue(got.get(0).allClose(eager.get(0), 1e-6, 1e-6), what);
        Tensor expected = got.get(0).sum(axes, keepDims); // the eager sum of the values the plan computed
        assertArrayEquals(expected.dims(), got.get(1).dims(), what);
        if (sameBits) {
            assertEquals(expected, got.get(1), what + ": the bits of the eager sum");
        } else {
            assertTrue(got.get(1).allClose(expected, 1e-5, 1e-5), what);
        }
    }

    private static Tensor randn(DType dtype, int... dims) {
        return Tensor.randn(RNG, dtype, dims);
    }

    @Test
    void biasGradientsOfSmallMatricesHaveTheBitsOfTheEagerSum() {
        // two classes (the moons network: rows of 2, run flat), a hidden layer of 128 in two row blocks of 64,
        // a broadcast row (rows of 40, a kernel broadcasting b) and short rows broadcasting b (repeated first)
        check(randn(DType.FLOAT32, 200, 2), randn(DType.FLOAT32, 200, 2), new int[] {0}, false, true);
        check(randn(DType.FLOAT32, 130, 128), randn(DType.FLOAT32, 130, 128), new int[] {0}, false, true);
        check(randn(DType.FLOAT32, 64, 40), randn(DType.FLOAT32, 40), new int[] {0}, false, true);
        check(randn(DType.FLOAT32, 200, 3), randn(DType.FLOAT32, 3), new int[] {-2}, true, true);
    }

    @Test
    void largeAndHigherRankSumsAreCloseToTheEagerSum() {
        // 700 columns in three column blocks, 300 rows in five row blocks; two leading axes; float64
        check(randn(DType.FLOAT32, 300, 700), randn(DType.FLOAT32, 700), new int[] {0}, false, false);
        check(randn(DType.FLOAT32, 4, 50, 8), randn(DType.FLOAT32, 4, 50, 8), new int[] {1, 0}, true, false);
        check(randn(DType.FLOAT64, 100, 7), randn(DType.FLOAT64, 7), new int[] {0}, false, false);
    }

    @Test
    void theSumHasTheSameBitsForAnyThreadCount() {
        Tensor x = randn(DType.FLOAT32, 500, 300);
        Tensor b = randn(DType.FLOAT32, 300);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<Tensor> one = compiled(x, b, new int[] {0}, false);
            Parallel.setThreads(4);
            List<Tensor> four = compiled(x, b, new int[] {0}, false);
            assertEquals(one.get(1), four.get(1));
            assertEquals(one.get(0), four.get(0));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void otherSumsAreLeftToTheirOwnSteps() {
        Tensor x = randn(DType.FLOAT32, 6, 20, 30);
        Tensor b = randn(DType.FLOAT32, 30);
        // over the middle axis; and over axis 0 of a kernel broadcasting b along rows of 30, not of 600
        for (int[] axes : new int[][] {{1}, {0}}) {
            Function<List<Tensor>, List<Tensor>> f = a -> cotangentAndSum(a.get(0), a.get(1), axes, false);
            Jitted<List<Tensor>, List<Tensor>> j = Jit.jit(f);
            Graph g = j.graph(List.of(x, b));
            assertEquals(0, g.count("fused_sum"), g.toString());
            assertEquals(1, g.count("sum"), g.toString());
            assertTrue(j.apply(List.of(x, b)).get(1).allClose(cotangentAndSum(x, b, axes, false).get(1), 1e-5, 1e-5));
        }
    }

    @Test
    void theGradientOfALinearLayerSumsItsBiasCotangentInTheKernel() {
        Tensor x = randn(DType.FLOAT32, 64, 20);
        Tensor w = randn(DType.FLOAT32, 20, 10);
        Tensor bias = randn(DType.FLOAT32, 10);
        Function<List<Tensor>, Tensor> loss = a -> x.matmul(a.get(0)).add(a.get(1)).tanh().square().sum();
        Function<List<Tensor>, List<Tensor>> grad = org.fluxion.autodiff.Functional.treeGrad(loss);
        Jitted<List<Tensor>, List<Tensor>> j = Jit.jit(grad);
        Graph g = j.graph(List.of(w, bias));
        assertEquals(1, g.count("fused_sum"), g.toString());
        assertEquals(0, g.count("sum"), g.toString());
        List<Tensor> got = j.apply(List.of(w, bias));
        List<Tensor> eager = grad.apply(List.of(w, bias));
        assertTrue(got.get(0).allClose(eager.get(0), 1e-5, 1e-5));
        assertTrue(got.get(1).allClose(eager.get(1), 1e-5, 1e-5));
    }
}

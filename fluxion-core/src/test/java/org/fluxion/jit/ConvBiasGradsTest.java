package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.ir.Graph;
import org.fluxion.kernels.Parallel;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A convolution's bias gradient is computed by its weight gradient's step ({@code conv2dWeightGrad_bias}, PyTorch's
 * {@code convolution_backward}): no {@code sum} pass over dy of its own, the gradients those of eager autodiff.
 */
class ConvBiasGradsTest {
    private static final SplittableRandom RNG = new SplittableRandom(21);

    /** The gradients of {@code sum(tanh(conv2d(x, w) + b)^2)} with respect to (w, b). */
    private static Function<List<Tensor>, List<Tensor>> gradients(Tensor x, Conv2dOptions options) {
        Function<List<Tensor>, Tensor> loss = p -> Convolutions.conv2d(x, p.get(0), p.get(1), options).tanh().square().sum();
        return Functional.treeGrad(loss);
    }

    private static List<Tensor> compiled(Tensor x, Tensor w, Tensor b, Conv2dOptions options) {
        Jitted<List<Tensor>, List<Tensor>> j = Jit.jit(gradients(x, options));
        Graph g = j.graph(List.of(w, b));
        assertEquals(1, g.count("conv2dWeightGrad_bias"), g.toString());
        assertEquals(0, g.count("conv2dWeightGrad"), g.toString());
        assertEquals(0, g.count("sum"), g.toString());
        return j.apply(List.of(w, b));
    }

    private static void check(DType dtype, int n, int c, int hw, int o, int k, Conv2dOptions options) {
        Tensor x = Tensor.randn(RNG, dtype, n, c, hw, hw);
        Tensor w = Tensor.randn(RNG, dtype, o, c / options.groups(), k, k).mul(0.3);
        Tensor b = Tensor.randn(RNG, dtype, o);
        List<Tensor> got = compiled(x, w, b, options);
        List<Tensor> eager = gradients(x, options).apply(List.of(w, b));
        double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-10;
        String what = dtype + " x[" + n + ", " + c + ", " + hw + ", " + hw + "] w[" + o + ", " + k + "x" + k + "] " + options;
        assertTrue(got.get(0).allClose(eager.get(0), tol, tol), what + ": dw");
        assertTrue(got.get(1).allClose(eager.get(1), tol, tol), what + ": db " + got.get(1) + " vs " + eager.get(1));
    }

    @Test
    void theBiasGradientIsComputedWithTheWeightGradient() {
        // one input channel (the weight gradient as dot products), many channels (the GEMM, in sub-batches),
        // grouped and padded with stride 2, and float64 (the plain loops)
        check(DType.FLOAT32, 9, 1, 14, 8, 3, Conv2dOptions.DEFAULT);
        check(DType.FLOAT32, 12, 16, 9, 24, 3, Conv2dOptions.DEFAULT);
        check(DType.FLOAT32, 5, 6, 11, 4, 3, Conv2dOptions.of(2, 1, 1, 2));
        check(DType.FLOAT64, 4, 3, 8, 5, 2, Conv2dOptions.DEFAULT);
    }

    @Test
    void theBiasGradientHasTheSameBitsForAnyThreadCount() {
        Tensor x = Tensor.randn(RNG, DType.FLOAT32, 64, 8, 12, 12);
        Tensor w = Tensor.randn(RNG, DType.FLOAT32, 16, 8, 3, 3);
        Tensor b = Tensor.randn(RNG, DType.FLOAT32, 16);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<Tensor> one = compiled(x, w, b, Conv2dOptions.DEFAULT);
            Parallel.setThreads(4);
            List<Tensor> four = compiled(x, w, b, Conv2dOptions.DEFAULT);
            assertEquals(one.get(1), four.get(1));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** A channel sum of a value no weight gradient reads (a bias added to an input) stays a sum. */
    @Test
    void aChannelSumWithoutAWeightGradientStaysASum() {
        Tensor x = Tensor.randn(RNG, DType.FLOAT32, 4, 3, 5, 5);
        Function<List<Tensor>, Tensor> loss = p -> x.add(p.get(0).reshape(1, 3, 1, 1)).tanh().sum();
        Jitted<List<Tensor>, List<Tensor>> j = Jit.jit(Functional.treeGrad(loss));
        Tensor b = Tensor.randn(RNG, DType.FLOAT32, 3);
        Graph g = j.graph(List.of(b));
        assertEquals(0, g.count("conv2dWeightGrad_bias"), g.toString());
        assertTrue(j.apply(List.of(b)).get(0).allClose(Functional.treeGrad(loss).apply(List.of(b)).get(0), 1e-5, 1e-5));
    }
}

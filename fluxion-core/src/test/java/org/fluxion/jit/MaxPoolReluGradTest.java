package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Compiled gradients of max pooling over a ReLU take the pooling's gradient and the ReLU's mask in one step
 * ({@code maxPool2dGrad_relu}): the same bits as the eager gradient, for the 2x2 stride-2 windows (routed by the
 * codes the forward records, {@code maxPool2dGrad_relu_windows}), overlapping 3x3 stride-2 windows (the argmax path)
 * and float64.
 */
class MaxPoolReluGradTest {
    /** sum(maxPool(relu(conv(x))) * r): the CNN's forward, whose gradient has the pattern. */
    private static Function<Tensor, Tensor> loss(Tensor w, Tensor r, Pool2dOptions pool) {
        return x -> Convolutions.maxPool2d(Convolutions.conv2d(x, w, null, Conv2dOptions.of(1, 0, 1, 1)).relu(), pool)
                .mul(r).sum();
    }

    @Test
    void compiledGradientEqualsEagerBitForBit() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Pool2dOptions pool : new Pool2dOptions[] {Pool2dOptions.of(2), Pool2dOptions.of(3, 2, 1)}) {
                Tensor x = Tensor.randn(1, 3, 2, 13, 13).to(dtype);
                Tensor w = Tensor.randn(2, 5, 2, 3, 3).to(dtype);
                Tensor y = Convolutions.maxPool2d(Convolutions.conv2d(x, w, null, Conv2dOptions.of(1, 0, 1, 1)), pool);
                Tensor r = Tensor.randn(3, y.dims()).to(dtype);
                Function<Tensor, Tensor> loss = loss(w, r, pool);
                double[] eager = Functional.grad(loss).apply(x).toDoubleArray();
                // the gradient alone: no pooling forward in the plan, the gradient reads x
                var g = Jit.jit(Functional.grad(loss));
                String graph = g.graph(x).toString();
                assertEquals(1, g.graph(x).count("maxPool2dGrad_relu"), graph);
                assertArrayEquals(eager, g.apply(x).toDoubleArray(), 0, dtype + " " + pool + "\n" + graph);
                // the value and the gradient, as a training step: float32 2x2 windows are routed by the codes the
                // forward records
                Function<Tensor, java.util.List<Tensor>> both = in -> {
                    Functional.ValueAndGrad vg = Functional.valueAndGrad(loss).apply(in);
                    return java.util.List.of(vg.value(), vg.grad());
                };
                var j = Jit.jit(both);
                graph = j.graph(x).toString();
                boolean windows = dtype == DType.FLOAT32 && pool.equals(Pool2dOptions.of(2));
                assertEquals(1, j.graph(x).count(windows ? "maxPool2dGrad_relu_windows" : "maxPool2dGrad_relu"), graph);
                assertEquals(windows ? 1 : 0, j.graph(x).count("maxPool2d_windows"), graph);
                assertArrayEquals(eager, j.apply(x).get(1).toDoubleArray(), 0, dtype + " " + pool + "\n" + graph);
            }
        }
    }

    /**
     * Without a ReLU, a float32 2x2 pooling's gradient is routed by the window codes of its forward too, and its input
     * is read by the forward alone; the same bits as eager, with ties, zeros and an odd plane.
     */
    @Test
    void aPoolingGradientIsRoutedByItsForwardsWindowCodes() {
        Tensor x = Tensor.randint(7, -2, 3, 3, 2, 15, 15).to(DType.FLOAT32); // integers: ties in the windows
        Tensor r = Tensor.randn(8, 3, 2, 7, 7);
        Pool2dOptions pool = Pool2dOptions.of(2);
        Function<Tensor, Tensor> loss = in -> Convolutions.maxPool2d(in.tanh().add(in.gt(1).to(DType.FLOAT32)), pool)
                .mul(r).sum();
        Function<Tensor, java.util.List<Tensor>> both = in -> {
            Functional.ValueAndGrad vg = Functional.valueAndGrad(loss).apply(in);
            return java.util.List.of(vg.value(), vg.grad());
        };
        var j = Jit.jit(both);
        String graph = j.graph(x).toString();
        assertEquals(1, j.graph(x).count("maxPool2dGrad_windows"), graph);
        assertEquals(1, j.graph(x).count("maxPool2d_windows"), graph);
        assertEquals(0, j.graph(x).count("maxPool2d"), graph);
        java.util.List<Tensor> got = j.apply(x);
        Functional.ValueAndGrad want = Functional.valueAndGrad(loss).apply(x);
        assertTrue(want.value().allClose(got.get(0), 1e-5, 1e-5)); // the loss: a fused sum, rounded otherwise
        assertArrayEquals(want.grad().toDoubleArray(), got.get(1).toDoubleArray(), 0, graph);
    }

    @Test
    void aPoolingGradientReadElsewhereStaysAlone() {
        // the unmasked pooling gradient is a result too: the where stays its own step
        Tensor x = Tensor.randn(4, 2, 3, 8, 8), dy = Tensor.randn(5, 2, 3, 4, 4);
        Function<Tensor, java.util.List<Tensor>> f = in -> {
            Tensor p = Convolutions.maxPool2dGrad(in, dy, Pool2dOptions.of(2));
            return java.util.List.of(p, Tensor.where(in.gt(0), p, Tensor.zeros(DType.FLOAT32)));
        };
        var jf = Jit.jit(f);
        assertEquals(0, jf.graph(x).count("maxPool2dGrad_relu"), jf.graph(x).toString());
        java.util.List<Tensor> got = jf.apply(x), want = f.apply(x);
        assertEquals(want.get(0), got.get(0));
        assertEquals(want.get(1), got.get(1));
    }
}

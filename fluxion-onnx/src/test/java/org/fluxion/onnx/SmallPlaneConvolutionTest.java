package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The small-output convolution as one matrix product equals conv2d, in value and in both gradients. */
class SmallPlaneConvolutionTest {
    @Test
    void matchesConv2dWithStridePaddingDilationAndBias() {
        Conv2dOptions[] options = {Conv2dOptions.of(1, 1), new Conv2dOptions(2, 2, 1, 1, 1, 1, 1),
            new Conv2dOptions(1, 2, 0, 1, 2, 1, 1)};
        for (Conv2dOptions o : options) {
            Tensor x = Tensor.randn(1, 2, 6, 5, 5);
            Tensor w = Tensor.randn(2, 7, 6, 3, 3);
            Tensor b = Tensor.randn(3, 7);
            Tensor expected = Convolutions.conv2d(x, w, b, o);
            Tensor actual = SmallPlaneConvolution.conv2d(x, w, b, o);
            assertTrue(actual.allClose(expected, 1e-4, 1e-4), o + ": " + actual + " vs " + expected);
            Tensor jitted = Jit.jit((Tensor t) -> SmallPlaneConvolution.conv2d(t, w, b, o)).apply(x);
            assertTrue(jitted.allClose(expected, 1e-4, 1e-4));
            Tensor r = Tensor.randn(4, expected.dims());
            Function<Tensor[], Tensor> mine = p -> SmallPlaneConvolution.conv2d(p[0], p[1], b, o).mul(r).sum();
            Function<Tensor[], Tensor> reference = p -> Convolutions.conv2d(p[0], p[1], b, o).mul(r).sum();
            Tensor[] g = Functional.vjp(mine, new Tensor[] {x, w}).pullback().apply(Tensor.scalar(1));
            Tensor[] e = Functional.vjp(reference, new Tensor[] {x, w}).pullback().apply(Tensor.scalar(1));
            assertTrue(g[0].allClose(e[0], 1e-4, 1e-4) && g[1].allClose(e[1], 1e-4, 1e-4), o.toString());
        }
    }
}

package org.fluxion.transforms;

import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Nested traced functions ({@link Vmap#vmap}, {@link Remat#checkpoint}) that capture a tensor of the
 * enclosing function: the capture is an operand of the nested operation with its autodiff state, so that
 * {@code jit(grad(f))} differentiates through it as eager {@code grad(f)} does (control flow:
 * {@link ControlTest#derivativesFlowThroughValuesComputedFromCaptures}).
 */
class CaptureDerivativesTest {
    private static final Tensor YS = Tensor.of(new double[] {1, 2, -3, 0.5}, 2, 2);

    private static void assertSameGradInEveryMode(Function<Tensor, Tensor> f, Tensor x) {
        Tensor[] fd = ControlTest.numericGrad(p -> f.apply(p[0]), x);
        ControlTest.assertClose(fd[0], Functional.grad(f).apply(x), 1e-6, "eager grad");
        ControlTest.assertClose(fd[0], Functional.grad(Jit.jit(f)).apply(x), 1e-6, "grad(jit)");
        ControlTest.assertClose(fd[0], Jit.jit(Functional.grad(f)).apply(x), 1e-6, "jit(grad)");
    }

    @Test
    void vmapCapturingATensorOfAFunctionUnderJitGrad() {
        Tensor x = ControlTest.f64(0.3, 0.7);
        assertSameGradInEveryMode(z -> Vmap.vmap(y -> y.mul(z).sin()).apply(YS).sum(), x);
        assertSameGradInEveryMode(z -> Vmap.vmap(y -> y.mul(z.cos())).apply(YS).sum(), x);
    }

    @Test
    void checkpointCapturingATensorOfAFunctionUnderJitGrad() {
        Tensor x = ControlTest.f64(0.3, 0.7);
        for (Function<Tensor, Tensor> f : List.<Function<Tensor, Tensor>>of(
                z -> Remat.checkpoint(y -> y.mul(z).sin()).apply(YS).sum(),
                z -> Remat.checkpoint(y -> y.mul(z.cos()).sin()).apply(YS).sum())) {
            assertSameGradInEveryMode(f, x);
        }
    }
}

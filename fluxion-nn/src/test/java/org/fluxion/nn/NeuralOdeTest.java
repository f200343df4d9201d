package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.fluxion.ode.Method;
import org.fluxion.ode.SensitivityMethod;
import org.fluxion.ode.SolverOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The neural ODE layer: gradients of input and weights against finite differences, by every method. */
class NeuralOdeTest {
    private static NeuralOde small(SensitivityMethod how, Method method) {
        NeuralOde ode = NeuralOde.mlp(2, 6, 1, DType.FLOAT64, new Random(3));
        return ode.with(method, SolverOptions.defaults().withTolerances(1e-12, 1e-14), how);
    }

    @Test
    void gradientsOfInputAndWeightsByEveryMethod() {
        Tensor x = LayerGradCheck.randn(11, 3, 2);
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                SensitivityMethod.CHECKPOINTED_ADJOINT, SensitivityMethod.BACKSOLVE_ADJOINT,
                SensitivityMethod.FORWARD, SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT}) {
            LayerGradCheck.check(small(how, Method.DP5), x, 1e-5);
        }
    }

    @Test
    void trajectoryStartsAtTheInputAndEndsAtApply() {
        NeuralOde ode = small(SensitivityMethod.INTERPOLATING_ADJOINT, Method.TSIT5);
        Tensor x = LayerGradCheck.randn(5, 4, 2);
        Tensor ys = ode.trajectory(x, new double[] {0, 0.25, 0.5, 1});
        assertArrayEquals(new int[] {4, 4, 2}, ys.dims());
        assertArrayEquals(x.toDoubleArray(), ys.select(0, 0).toDoubleArray(), 0);
        assertArrayEquals(ode.apply(x).toDoubleArray(), ys.select(0, 3).toDoubleArray(), 1e-10);
    }

    /** A batch is solved as one ODE; each row must equal its own solve (the field acts row by row). */
    @Test
    void batchRowsAreIndependent() {
        NeuralOde ode = small(SensitivityMethod.INTERPOLATING_ADJOINT, Method.DP5);
        Tensor x = LayerGradCheck.randn(6, 3, 2);
        Tensor batch = ode.apply(x);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(ode.apply(x.select(0, i)).toDoubleArray(), batch.select(0, i).toDoubleArray(), 1e-9);
        }
    }

    @Test
    void parametersAreTheLayersWeights() {
        NeuralOde ode = NeuralOde.mlp(2, 50, 1, DType.FLOAT32, new Random(0));
        assertEquals(2 * 50 + 50 + 50 * 2 + 2, ode.parameterCount());
        assertTrue(ode.parameters().containsKey("0.weight") && ode.parameters().containsKey("1.bias"));
        assertEquals(DType.FLOAT32, ode.apply(Tensor.zeros(DType.FLOAT32, 2)).dtype());
    }

    @Test
    void wrongStateSizeNamesTheLayer() {
        NeuralOde ode = NeuralOde.mlp(2, 8, 1, DType.FLOAT64, new Random(0));
        var e = assertThrows(LayerInputException.class, () -> ode.apply(Tensor.zeros(DType.FLOAT64, 3)));
        assertTrue(e.getMessage().contains("NeuralOde 2->8->2") && e.getMessage().contains("[..., 2]"), e.getMessage());
        var mismatch = assertThrows(IllegalArgumentException.class, () -> new NeuralOde(new Linear[] {
                new Linear(2, 3, true, DType.FLOAT64, new Random(0))}, Activation.tanh(), null, 0, 1, Method.DP5,
                SolverOptions.defaults(), SensitivityMethod.AUTO));
        assertTrue(mismatch.getMessage().contains("2 -> 3"), mismatch.getMessage());
    }
}

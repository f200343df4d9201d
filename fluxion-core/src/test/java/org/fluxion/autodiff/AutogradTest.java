package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Eager reverse mode: the Tensor API, control flow, deep graphs, in-place detection and errors. */
class AutogradTest {
    private static Tensor scalar(double v) {
        return Tensor.scalar(v, DType.FLOAT64).requiresGrad(true);
    }

    @Test
    void seed003GradientByBackward() {
        Tensor x1 = scalar(2);
        Tensor x2 = scalar(5);
        Tensor y = x1.log().add(x1.mul(x2)).sub(x2.sin());
        y.backward();
        assertEquals(11.652, y.item(), 1e-3);
        assertEquals(5.5, x1.grad().item(), 1e-12);
        assertEquals(2 - Math.cos(5), x2.grad().item(), 1e-12); // x1 - cos x2
        assertEquals(1.716, x2.grad().item(), 1e-3);
    }

    @Test
    void broadcastGradientsAreSummedToTheInputShape() {
        Tensor a = Tensor.ones(DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor b = Tensor.of(new double[] {1, 2, 3, 4}, 4).requiresGrad(true);
        a.mul(b).sum().backward();
        assertEquals(3, b.grad().get(2), 0);
        assertEquals(3, a.grad().get(1, 2), 0);
    }

    @Test
    void loopWithDataDependentTripCount() {
        Tensor x = scalar(1.5);
        Tensor y = x;
        int steps = 0;
        while (y.item() < 100) { // y = x^(2^k) until it exceeds 100
            y = y.mul(y);
            steps++;
        }
        y.backward();
        double p = Math.pow(2, steps);
        assertEquals(p * Math.pow(1.5, p - 1), x.grad().item(), 1e-9 * x.grad().item());
    }

    @Test
    void ifElseTakesTheBranchThatRan() {
        for (double v : new double[] {-2, 3}) {
            Tensor x = scalar(v);
            Tensor y = x.item() > 0 ? x.mul(x).mul(x) : x.sin();
            y.backward();
            assertEquals(v > 0 ? 3 * v * v : Math.cos(v), x.grad().item(), 1e-12);
        }
    }

    private static Tensor power(Tensor x, int n) {
        return n == 0 ? Tensor.scalar(1, DType.FLOAT64) : x.mul(power(x, n - 1));
    }

    @Test
    void recursionAndHelperMethods() {
        Tensor x = scalar(1.1);
        power(x, 7).backward();
        assertEquals(7 * Math.pow(1.1, 6), x.grad().item(), 1e-12);
    }

    @Test
    void closuresCaptureTrackedTensors() {
        Tensor w = scalar(3);
        java.util.function.UnaryOperator<Tensor> layer = in -> in.mul(w).tanh();
        Tensor x = Tensor.scalar(0.2, DType.FLOAT64);
        layer.apply(layer.apply(x)).backward();
        double h = Math.tanh(0.6);
        double expected = (1 - Math.pow(Math.tanh(3 * h), 2)) * (h + 3 * (1 - h * h) * 0.2);
        assertEquals(expected, w.grad().item(), 1e-12);
    }

    @Test
    void millionNodeChainDoesNotOverflowTheStack() {
        Tensor x = scalar(0);
        Tensor one = Tensor.scalar(1, DType.FLOAT64);
        Tensor y = x;
        for (int i = 0; i < 1_000_000; i++) {
            y = y.add(one);
        }
        y.backward();
        assertEquals(1_000_000, y.item(), 0);
        assertEquals(1, x.grad().item(), 0);
    }

    @Test
    void gradientsAccumulateUntilZeroGrad() {
        Tensor x = scalar(2);
        x.mul(x).backward();
        x.mul(x).backward();
        assertEquals(8, x.grad().item(), 0);
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3).backward();
        assertEquals(3, x.grad().item(), 0);
    }

    @Test
    void secondBackwardNeedsRetainGraph() {
        Tensor x = scalar(2);
        Tensor y = x.exp();
        y.backward(null, true, false);
        y.backward();
        assertEquals(2 * Math.exp(2), x.grad().item(), 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void createGraphGivesSecondDerivatives() {
        Tensor x = scalar(0.7);
        Tensor y = x.sin().mul(x);
        Tensor[] g = Autograd.grad(y, new Tensor[] {x}, null, true, true);
        g[0].backward();
        assertEquals(2 * Math.cos(0.7) - 0.7 * Math.sin(0.7), x.grad().item(), 1e-12);
    }

    @Test
    void noGradScopeRecordsNothingAndRestores() {
        Tensor x = scalar(1);
        try (var scope = GradMode.noGrad()) {
            assertFalse(x.mul(2).requiresGrad());
            try (var inner = GradMode.enableGrad()) {
                assertTrue(x.mul(2).requiresGrad());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void detachStopsTheGradient() {
        Tensor x = scalar(3);
        Tensor y = x.mul(x.detach());
        y.backward();
        assertEquals(3, x.grad().item(), 0);
        assertFalse(x.detach().requiresGrad());
    }

    @Test
    void inPlaceWriteOfASavedTensorIsDetected() {
        Tensor x = scalar(1);
        Tensor a = Tensor.scalar(2, DType.FLOAT64);
        Tensor y = x.mul(a);
        a.addInPlace(Tensor.scalar(1, DType.FLOAT64));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified in place after being saved for backward"), e.getMessage());
        assertTrue(e.getMessage().contains("mul"), e.getMessage());
    }

    @Test
    void inPlaceUpdatesOfParametersUnderNoGrad() {
        Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        w.mul(w).sum().backward();
        assertThrows(IllegalStateException.class, () -> w.subInPlace(w.grad()));
        try (var scope = GradMode.noGrad()) {
            w.subInPlace(w.grad().mul(0.25));
            w.mulInPlace(2);
        }
        assertEquals(1.0, w.get(0), 0);
        assertEquals(2.0, w.get(1), 0);
        assertTrue(w.requiresGrad());
    }

    @Test
    void errorsSayWhatIsWrong() {
        Tensor v = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        Tensor y = v.mul(v);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e1.getMessage().contains("cotangent"), e1.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.ones(DType.FLOAT64, 3)));
        assertTrue(e2.getMessage().contains("[3]") && e2.getMessage().contains("[2]"), e2.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new int[] {1}, 1).requiresGrad(true));
        assertTrue(e3.getMessage().contains("floating-point"), e3.getMessage());
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> Tensor.scalar(1, DType.FLOAT64).mul(2).backward());
        assertTrue(e4.getMessage().contains("does not require grad"), e4.getMessage());
        y.backward(Tensor.ones(DType.FLOAT64, 2));
        assertEquals(4, v.grad().get(1), 0);
    }

    @Test
    void float32InputsOfMixedOperationsGetFloat32Gradients() {
        Tensor a = Tensor.scalar(2).requiresGrad(true);
        Tensor b = Tensor.scalar(3, DType.FLOAT64).requiresGrad(true);
        a.mul(b).backward();
        assertEquals(DType.FLOAT32, a.grad().dtype());
        assertEquals(3, a.grad().item(), 0);
    }
}

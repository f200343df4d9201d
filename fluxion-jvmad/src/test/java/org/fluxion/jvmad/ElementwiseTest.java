package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/** A plain Java scalar function as a tensor operation: values and derivatives eagerly, under jit and vmap. */
class ElementwiseTest {
    /** A numerically careful softplus, with a branch: log(1 + e^x), x beyond 30. */
    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static final Elementwise SOFTPLUS = Elementwise.of(ElementwiseTest::softplus);

    private static Tensor points() {
        return Tensor.of(new double[] {-2, -0.5, 0, 0.7, 3, 40}, 2, 3);
    }

    private static void assertElements(double[] expected, Tensor actual, double tolerance) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tolerance * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static double[] map(Tensor x, java.util.function.DoubleUnaryOperator f) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(v[i]);
        }
        return v;
    }

    @Test
    void valuesAndDerivativesOfEveryOrder() {
        Tensor x = points();
        assertElements(map(x, ElementwiseTest::softplus), SOFTPLUS.apply(x), 1e-15);
        // softplus' = sigmoid, softplus'' = sigmoid (1 - sigmoid), and past the branch 1 and 0
        assertElements(map(x, v -> v > 30 ? 1 : sigmoid(v)), SOFTPLUS.derivative(x, 1), 1e-14);
        assertElements(map(x, v -> v > 30 ? 0 : sigmoid(v) * (1 - sigmoid(v))), SOFTPLUS.derivative(x, 2), 1e-13);
        double[] third = map(x, v -> {
            double s = sigmoid(v);
            return v > 30 ? 0 : s * (1 - s) * (1 - 2 * s);
        });
        assertElements(third, SOFTPLUS.derivative(x, 3), 1e-12);
    }

    @Test
    void gradientsThroughTheTapeToSecondOrder() {
        Tensor x = points();
        Function<Tensor, Tensor> loss = t -> SOFTPLUS.apply(t).mul(t).sum();
        // d/dx sum x softplus(x) = softplus(x) + x sigmoid(x)
        assertElements(map(x, v -> softplus(v) + v * (v > 30 ? 1 : sigmoid(v))), Functional.grad(loss).apply(x), 1e-13);
        Tensor v = Tensor.of(new double[] {1, -1, 0.5, 2, 0, 1}, 2, 3);
        // the Hessian is diagonal: 2 sigmoid + x sigmoid'
        Tensor hv = Functional.hvp(loss, x, v);
        double[] xs = x.toDoubleArray();
        double[] vs = v.toDoubleArray();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double s = xs[i] > 30 ? 1 : sigmoid(xs[i]);
            double ds = xs[i] > 30 ? 0 : s * (1 - s);
            expected[i] = (2 * s + xs[i] * ds) * vs[i];
        }
        assertElements(expected, hv, 1e-12);
    }

    @Test
    void forwardMode() {
        Tensor x = points();
        Tensor v = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        var r = Functional.jvp(SOFTPLUS::apply, x, v);
        double[] xs = x.toDoubleArray();
        assertElements(map(x, ElementwiseTest::softplus), r.value(), 1e-15);
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = (i + 1) * (xs[i] > 30 ? 1 : sigmoid(xs[i]));
        }
        assertElements(expected, r.tangent(), 1e-14);
    }

    @Test
    void underJitAndVmap() {
        Tensor x = points();
        Function<Tensor, Tensor> f = t -> SOFTPLUS.apply(t.mul(2)).add(1).sum();
        var jitted = Jit.jit(f);
        assertEquals(f.apply(x).item(), jitted.apply(x).item(), 1e-12);
        assertTrue(Jit.makeGraph(f, x).equations().stream().anyMatch(e -> e.primitive().name().equals("softplus")),
                "the primitive is an equation of the traced graph");
        var jittedGrad = Jit.jit(Functional.grad(f));
        assertTrue(jittedGrad.apply(x).allClose(Functional.grad(f).apply(x), 1e-12, 1e-12));
        Function<Tensor, Tensor> perRow = Vmap.vmap(f);
        Tensor rows = perRow.apply(x);
        assertEquals(f.apply(x.select(0, 0)).item(), rows.get(0), 1e-12);
        assertEquals(f.apply(x.select(0, 1)).item(), rows.get(1), 1e-12);
    }

    @Test
    void float32AndErrors() {
        Tensor x = Tensor.of(new float[] {-1, 0, 2}, 3);
        Tensor y = SOFTPLUS.apply(x);
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals((float) softplus(2), (float) y.get(2), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SOFTPLUS.apply(Tensor.of(new int[] {1, 2}, 2)));
        assertTrue(e.getMessage().contains("float32 or float64"), e.getMessage());
    }
}

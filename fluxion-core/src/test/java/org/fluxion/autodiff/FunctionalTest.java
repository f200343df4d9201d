package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The function transforms, the seed examples in both modes, and higher order. */
class FunctionalTest {
    private static Tensor s(double v) {
        return Tensor.scalar(v, DType.FLOAT64);
    }

    /** Seed 003: ln x1 + x1 x2 - sin x2. */
    private static Tensor seed003(Tensor[] x) {
        return x[0].log().add(x[0].mul(x[1])).sub(x[1].sin());
    }

    @Test
    void seed003InBothModes() {
        Tensor[] at = {s(2), s(5)};
        Functional.ValueAndGrads r = Functional.valueAndGrad(FunctionalTest::seed003).apply(at);
        assertEquals(11.652, r.value().item(), 1e-3);
        assertEquals(5.5, r.grads()[0].item(), 1e-12);
        assertEquals(1.716, r.grads()[1].item(), 1e-3);
        assertEquals(5.5, Functional.jvp(FunctionalTest::seed003, at, new Tensor[] {s(1), s(0)}).tangent().item(), 1e-12);
        Functional.JvpResult j = Functional.jvp(FunctionalTest::seed003, at, new Tensor[] {s(0), s(1)});
        assertEquals(11.652, j.value().item(), 1e-3);
        assertEquals(2 - Math.cos(5), j.tangent().item(), 1e-12);
    }

    @Test
    void seed002ForwardMode() {
        Function<Tensor[], Tensor> f = x -> x[0].mul(2).add(x[0].mul(x[1].pow(3))).add(x[0].sin());
        Tensor[] at = {s(3), s(5)};
        Functional.JvpResult dx = Functional.jvp(f, at, new Tensor[] {s(1), s(0)});
        assertEquals(381.14, dx.value().item(), 1e-2);
        assertEquals(126.01, dx.tangent().item(), 1e-2);
        assertEquals(225.0, Functional.jvp(f, at, new Tensor[] {s(0), s(1)}).tangent().item(), 1e-9);
        for (double x = -2; x <= 2; x += 0.5) { // d/dx x^2 over a range
            assertEquals(2 * x, Functional.jvp(t -> t.mul(t), s(x), s(1)).tangent().item(), 1e-12);
        }
    }

    @Test
    void forwardModeThroughControlFlow() {
        Function<Tensor, Tensor> f = x -> {
            Tensor y = x;
            while (y.item() < 10) {
                y = y.mul(x);
            }
            return y.item() > 50 ? y.sin() : y;
        };
        // x = 3: y = 27 after two products, 27 <= 50 so y = x^3.
        assertEquals(27, Functional.jvp(f, s(3), s(1)).tangent().item(), 1e-12);
    }

    @Test
    void nthDerivativesByNestedGrad() {
        Function<Tensor, Tensor> f = Tensor::sin;
        Function<Tensor, Tensor> d = f;
        double x = 0.4;
        double[] expected = {Math.cos(x), -Math.sin(x), -Math.cos(x), Math.sin(x)};
        for (double e : expected) {
            d = Functional.grad(d);
            assertEquals(e, d.apply(s(x)).item(), 1e-12);
        }
        Function<Tensor, Tensor> cube = t -> t.mul(t).mul(t);
        assertEquals(6 * 1.5, Functional.grad(Functional.grad(cube)).apply(s(1.5)).item(), 1e-12);
    }

    @Test
    void jacobianInBothModesAgrees() {
        Function<Tensor, Tensor> f = x -> x.sin().mul(x.sum()).matmul(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        Tensor x = Tensor.of(new double[] {0.1, -0.5, 0.9}, 3);
        Tensor rev = Functional.jacobian(f).apply(x);
        Tensor fwd = Functional.jacfwd(f).apply(x);
        assertArrayEquals(new int[] {2, 3}, rev.dims());
        assertTrue(rev.allClose(fwd, 1e-12, 1e-12), rev + " vs " + fwd);
    }

    @Test
    void hessianAndHvpOfATensorFunction() {
        // f(x) = sum(x^3) + x0 x1: H = diag(6x) + [[0,1],[1,0]].
        Function<Tensor, Tensor> f = x -> x.pow(3).sum().add(x.select(0, 0).mul(x.select(0, 1)));
        Tensor x = Tensor.of(new double[] {0.5, -2}, 2);
        Tensor h = Functional.hessian(f).apply(x);
        assertArrayEquals(new double[] {3, 1, 1, -12}, h.toDoubleArray(), 1e-12);
        Tensor hv = Functional.hvp(f, x, Tensor.of(new double[] {1, 2}, 2));
        assertArrayEquals(new double[] {5, -23}, hv.toDoubleArray(), 1e-12);
        Tensor hr = Functional.jacobian(Functional.grad(f)).apply(x);
        assertArrayEquals(h.toDoubleArray(), hr.toDoubleArray(), 1e-12);
    }

    @Test
    void vjpPullbackAndStopGradient() {
        Functional.VjpResult r = Functional.vjp(x -> x.exp().mul(Functional.stopGradient(x)), Tensor.of(new double[] {0, 1}, 2));
        Tensor[] ct = r.pullback().apply(Tensor.of(new double[] {1, 1}, 2));
        assertArrayEquals(new double[] {0, Math.E}, ct[0].toDoubleArray(), 1e-12);
        assertEquals(0, Functional.jvp(Functional::stopGradient, s(1), s(1)).tangent().item(), 0);
    }

    @Test
    void gradRejectsNonScalarOutputsAndIntegerInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.grad(x -> x.mul(2)).apply(Tensor.of(new double[] {1, 2}, 2)));
        assertTrue(e.getMessage().contains("single element"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.grad(x -> x.sum()).apply(Tensor.of(new int[] {1}, 1)));
    }
}

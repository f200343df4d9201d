package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jvmad.corpus.Algorithms;
import org.fluxion.jvmad.corpus.Mgh;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The same functions written twice, as plain Java (differentiated by bytecode transformation) and with
 * Fluxion tensors (differentiated by the eager tape): gradients, Hessian-vector products and Jacobians agree.
 */
class TapeAutodiffComparisonTest {
    private static final double TOLERANCE = 1e-12;

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }

    /** Extended Rosenbrock on a tensor of shape [n]: pairs as the columns of an [n/2, 2] view. */
    static Tensor rosenbrock(Tensor x) {
        Tensor pairs = x.reshape(x.shape().dim(0) / 2, 2);
        Tensor a = pairs.select(1, 0);
        Tensor b = pairs.select(1, 1);
        return b.sub(a.square()).square().mul(100).add(a.neg().add(1).square()).sum();
    }

    /** Horner's rule as a Java loop over 0-d tensors: coefficients x[1..], point x[0]. */
    static Tensor hornerLoop(Tensor x) {
        int n = x.shape().dim(0);
        Tensor t = x.select(0, 0);
        Tensor s = x.select(0, n - 1);
        for (int i = n - 2; i >= 1; i--) {
            s = s.mul(t).add(x.select(0, i));
        }
        return s;
    }

    /** Horner's rule in plain Java: the same function as {@link #hornerLoop}. */
    static double horner(double[] x) {
        int n = x.length;
        double s = x[n - 1];
        for (int i = n - 2; i >= 1; i--) {
            s = s * x[0] + x[i];
        }
        return s;
    }

    /** The MLP of {@link Algorithms#mlpLoss} with tensors. */
    static Tensor mlpLoss(Tensor params) {
        int h = Algorithms.HIDDEN;
        Tensor inputs = Tensor.of(new double[] {0.1, 0.9, -0.5, 0.3, 0.8, -0.7, -0.2, -0.4, 0.6, 0.1, -0.9, 0.5, 0.3,
                0.3, 0.0, -1.0}, 8, 2);
        Tensor targets = Tensor.of(new double[] {1, 0, 1, 0, 1, 0, 1, 0}, 8);
        Tensor w1 = params.slice(0, 0, 2 * h).reshape(h, 2);
        Tensor b1 = params.slice(0, 2 * h, 3 * h);
        Tensor w2 = params.slice(0, 3 * h, 4 * h).reshape(h, 1);
        Tensor b2 = params.slice(0, 4 * h, 4 * h + 1);
        Tensor hidden = inputs.matmul(w1.transpose()).add(b1).tanh();
        Tensor o = hidden.matmul(w2).reshape(8).add(b2);
        Tensor softplus = o.neg().exp().log1p();
        return targets.mul(softplus).add(targets.neg().add(1).mul(o.add(softplus))).mean();
    }

    private static void compare(ScalarFunction plain, Function<Tensor, Tensor> tensor, double[] x, String what) {
        Gradient g = JvmAd.grad(plain);
        Tensor tx = Tensor.of(x, x.length);
        assertClose(Functional.grad(tensor).apply(tx).toDoubleArray(), g.apply(x), what + " gradient");
        double[] v = new Random(what.hashCode()).doubles(x.length).map(u -> 2 * u - 1).toArray();
        assertClose(Functional.hvp(tensor, tx, Tensor.of(v, v.length)).toDoubleArray(), g.hvp(x, v), what + " hvp");
    }

    @Test
    void rosenbrock() {
        compare(Mgh::rosenbrock, TapeAutodiffComparisonTest::rosenbrock,
                new double[] {-1.2, 1, 0.3, -0.7, 2, 1.5, 0.1, 0.9}, "Rosenbrock");
    }

    @Test
    void loopBasedPolynomial() {
        compare(TapeAutodiffComparisonTest::horner, TapeAutodiffComparisonTest::hornerLoop,
                new double[] {0.7, 1, -2, 0.5, 3, -1, 0.25}, "Horner");
    }

    @Test
    void smallNetwork() {
        double[] p = new Random(9).doubles(Algorithms.PARAMETERS).map(u -> u - 0.5).toArray();
        compare(Algorithms::mlpLoss, TapeAutodiffComparisonTest::mlpLoss, p, "MLP");
    }

    @Test
    void eulerStepJacobian() {
        Function<Tensor, Tensor> step = y -> {
            Tensor y0 = y.select(0, 0);
            Tensor y1 = y.select(0, 1);
            Tensor y2 = y.select(0, 2);
            Tensor dy = Tensor.stack(0, y1.sub(y0).mul(10), y0.mul(y2.neg().add(28)).sub(y1),
                    y0.mul(y1).sub(y2.mul(8.0 / 3)));
            return y.add(dy.mul(0.01));
        };
        double[] y = {1.5, -0.5, 20};
        Tensor jt = Functional.jacobian(step).apply(Tensor.of(y, 3));
        double[][] j = JvmAd.jacobian(Algorithms::eulerStep, 3).apply(y);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(jt.get(r, c), j[r][c], TOLERANCE, "J[" + r + "][" + c + "]");
            }
        }
    }
}

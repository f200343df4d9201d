package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.fluxion.jvmad.corpus.Algorithms;
import org.fluxion.jvmad.corpus.Mgh;
import org.junit.jupiter.api.Test;

/** The public API: method references, lambdas, the Jacobian of vector functions, partials. */
class ApiTest {
    static double f2(double a, double b) {
        return a * Math.sin(b) + Math.exp(a * b);
    }

    static double rosenbrock2(double a, double b) {
        return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
    }

    @Test
    void gradientOfAMethodReferenceAndOfALambda() {
        double[] x = {-1.2, 1, -1.2, 1};
        double[] g = JvmAd.grad(Mgh::rosenbrock).apply(x);
        // d/dx0 = -400 x0 (x1 - x0^2) - 2 (1 - x0) = -215.6, d/dx1 = 200 (x1 - x0^2) = -88
        assertArrayEquals(new double[] {-215.6, -88, -215.6, -88}, g, 1e-12);
        Gradient lambda = JvmAd.grad(v -> v[0] * v[0] * v[1] + Math.log(v[1]));
        assertArrayEquals(new double[] {2 * 3 * 2, 9 + 0.5}, lambda.apply(new double[] {3, 2}), 1e-12);
    }

    @Test
    void valueAndGradReusesTheOutputArray() {
        Gradient g = JvmAd.grad(Mgh::rosenbrock);
        double[] grad = {7, 7};
        assertEquals(24.2, g.valueAndGrad(new double[] {-1.2, 1}, grad), 1e-12);
        assertArrayEquals(new double[] {-215.6, -88}, grad, 1e-12);
        assertTrue(g.buildNanos() > 0);
    }

    @Test
    void directionalDerivativeIsForwardMode() {
        Gradient g = JvmAd.grad(Mgh::powell);
        double[] x = {3, -1, 0, 1, 0.5, 0.2, -0.3, 0.9};
        double[] v = {1, 2, 3, 4, -1, -2, -3, -4};
        double[] grad = g.apply(x);
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += grad[i] * v[i];
        }
        assertEquals(dot, g.directional(x, v), 1e-10 * Math.abs(dot));
    }

    @Test
    void hessianOfRosenbrockIsTheAnalyticOne() {
        double[][] h = JvmAd.grad(Mgh::rosenbrock).hessian(new double[] {-1.2, 1});
        // d2/dx0^2 = 1200 x0^2 - 400 x1 + 2, d2/dx0dx1 = -400 x0, d2/dx1^2 = 200
        assertArrayEquals(new double[] {1200 * 1.44 - 400 + 2, 480}, h[0], 1e-10);
        assertArrayEquals(new double[] {480, 200}, h[1], 1e-10);
    }

    @Test
    void partialsOfScalarFunctions() {
        double[] p = JvmAd.partials(ApiTest::f2).apply(0.5, 1.5);
        assertArrayEquals(new double[] {Math.sin(1.5) + 1.5 * Math.exp(0.75), 0.5 * Math.cos(1.5) + 0.5 * Math.exp(0.75)},
                p, 1e-12);
        double[] r = JvmAd.partials(ApiTest::rosenbrock2).apply(-1.2, 1);
        assertArrayEquals(new double[] {-215.6, -88}, r, 1e-12);
        assertArrayEquals(new double[] {Math.cos(0.3)}, JvmAd.partials((UnaryFunction) Math::sin).apply(0.3), 1e-15);
        assertArrayEquals(new double[] {2, 3, 1}, JvmAd.partials((x, y, z) -> 2 * x + 3 * y + z).apply(1, 1, 1), 0);
    }

    @Test
    void jacobianOfAVectorFunctionBothWays() {
        Jacobian j = JvmAd.jacobian(Algorithms::lorenz, 3);
        double[] y = {1.5, -0.5, 20};
        double[][] expected = {{-10, 10, 0}, {28 - 20, -1, -1.5}, {-0.5, 1.5, -8.0 / 3}};
        double[][] forward = j.apply(y);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(expected[r], forward[r], 1e-14);
        }
        double[] u = {0.3, -1, 2};
        double[] vjp = j.vjp(y, u);
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int r = 0; r < 3; r++) {
                s += u[r] * expected[r][c];
            }
            assertEquals(s, vjp[c], 1e-13);
        }
        // More inputs than outputs: the Jacobian is built from VJPs.
        Jacobian wide = JvmAd.jacobian((x, out) -> out[0] = x[0] * x[1] * x[2] * x[3], 1);
        assertArrayEquals(new double[] {24, 12, 8, 6}, wide.apply(new double[] {1, 2, 3, 4})[0], 0);
    }

    @Test
    void jacobianOfAnEulerStepWithACallAndAnInternalArray() {
        Jacobian j = JvmAd.jacobian(Algorithms::eulerStep, 3);
        double[] y = {1.5, -0.5, 20};
        double[][] jac = j.apply(y);
        Random rng = new Random(3);
        double[] v = rng.doubles(3).toArray();
        for (int r = 0; r < 3; r++) {
            int row = r;
            FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> {
                double[] yt = y.clone();
                for (int i = 0; i < 3; i++) {
                    yt[i] += t * v[i];
                }
                double[] out = new double[3];
                Algorithms.eulerStep(yt, out);
                return out[row];
            });
            double jv = 0;
            for (int c = 0; c < 3; c++) {
                jv += jac[r][c] * v[c];
            }
            Checks.close(fd.value(), jv, 1e-9, "row " + r);
        }
    }

    @Test
    void shapesAreChecked() {
        Gradient g = JvmAd.grad(Mgh::rosenbrock);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.valueAndGrad(new double[4], new double[3]));
        assertTrue(e.getMessage().contains("grad has length 3 but x has length 4"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> JvmAd.grad(Algorithms.class, "lorenz"));
        assertTrue(wrong.getMessage().contains("(double[],double[])void"), wrong.getMessage());
        Jacobian j = JvmAd.jacobian(Algorithms::lorenz, 2);
        IllegalArgumentException outs = assertThrows(IllegalArgumentException.class,
                () -> j.jvp(new double[3], new double[3], new double[3], new double[2]));
        assertTrue(outs.getMessage().contains("2 outputs"), outs.getMessage());
    }

    @Test
    void methodDerivativeOfMixedParameters() {
        MethodDerivative d = JvmAd.method(Algorithms.class, "hornerFrom");
        double[] c = {1, -2, 0.5, 3};
        MethodDerivative.Result r = d.gradient(c, 0.7, 0);
        double[] dc = (double[]) r.derivatives()[0];
        // d/dc_i = x^i, d/dx = p'(x)
        assertArrayEquals(new double[] {1, 0.7, 0.49, 0.343}, dc, 1e-15);
        assertEquals(-2 + 2 * 0.5 * 0.7 + 3 * 3 * 0.49, (double) r.derivatives()[1], 1e-14);
        assertEquals(null, r.derivatives()[2]);
    }

    static double readsPastTheEnd(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            s += Math.sin(x[i]) * x[i];
        }
        return s;
    }

    @Test
    void anExceptionInTheMethodLeavesTheDerivativeUsable() {
        Gradient g = JvmAd.grad(ApiTest::readsPastTheEnd);
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> g.apply(new double[] {1, 2}));
        assertThrows(ArrayIndexOutOfBoundsException.class, () -> g.hvp(new double[] {1, 2}, new double[] {1, 1}));
        double[] x = {0.1, 0.2, 0.3, 0.4};
        double[] d = g.apply(x);
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.cos(x[i]) * x[i] + Math.sin(x[i]), d[i], 1e-15);
        }
    }

    @Test
    void derivativesAreThreadSafe() throws Exception {
        Gradient g = JvmAd.grad(Mgh::watson);
        double[] x = {0.2, -0.1, 0.4, 0.3, 0.5};
        double[] expected = g.apply(x);
        double[] hvExpected = g.hvp(x, x);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    boolean same = true;
                    for (int k = 0; k < 200; k++) {
                        same &= java.util.Arrays.equals(expected, g.apply(x))
                                && java.util.Arrays.equals(hvExpected, g.hvp(x, x));
                    }
                    return same;
                }));
            }
            for (var f : futures) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdown();
        }
    }
}

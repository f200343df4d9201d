package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The use an ODE solver makes of it: the Jacobian of a right-hand side written as plain Java
 * ({@code void f(double[] y, double[] dy)}), here for the Newton iterations of backward Euler on the
 * stiff Robertson kinetics. With the exact Jacobian, Newton converges quadratically; the stiff
 * integration with h = 1 agrees with a fine explicit one.
 */
class OdeJacobianTest {
    /** Robertson's chemical kinetics (stiff: rates 0.04, 1e4, 3e7). */
    public static void robertson(double[] y, double[] dy) {
        dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
        dy[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
        dy[2] = 3e7 * y[1] * y[1];
    }

    /** Solves the 3x3 system a x = b by Gaussian elimination with partial pivoting (a, b overwritten). */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[p][k])) {
                    p = i;
                }
            }
            double[] row = a[k];
            a[k] = a[p];
            a[p] = row;
            double t = b[k];
            b[k] = b[p];
            b[p] = t;
            for (int i = k + 1; i < n; i++) {
                double m = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) {
                    a[i][j] -= m * a[k][j];
                }
                b[i] -= m * b[k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    @Test
    void backwardEulerWithNewtonOnTheGeneratedJacobian() {
        Jacobian rhs = JvmAd.jacobian(OdeJacobianTest::robertson, 3);
        double[] y = {1, 0, 0};
        double h = 0.01;
        double[] dy = new double[3];
        double worstContraction = 0;
        for (int step = 0; step < 100; step++) {
            // Newton on g(z) = z - y - h f(z) = 0, with g'(z) = I - h J(z)
            double[] z = y.clone();
            double previous = Double.NaN;
            for (int it = 0; it < 30; it++) {
                robertson(z, dy);
                double[] g = new double[3];
                double norm = 0;
                for (int i = 0; i < 3; i++) {
                    g[i] = -(z[i] - y[i] - h * dy[i]);
                    norm = Math.max(norm, Math.abs(g[i]));
                }
                if (norm < 1e-15) {
                    break;
                }
                if (!Double.isNaN(previous) && previous < 1e-6) {
                    // quadratic convergence: the residual goes like the square of the last one
                    worstContraction = Math.max(worstContraction, norm / (previous * previous));
                }
                previous = norm;
                double[][] jac = rhs.apply(z);
                double[][] a = new double[3][3];
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        a[i][j] = (i == j ? 1 : 0) - h * jac[i][j];
                    }
                }
                double[] dz = solve(a, g);
                for (int i = 0; i < 3; i++) {
                    z[i] += dz[i];
                }
            }
            y = z;
        }
        assertTrue(worstContraction < 1e8, "Newton converges quadratically: |g_k+1| / |g_k|^2 <= " + worstContraction);
        assertEquals(1, y[0] + y[1] + y[2], 1e-12, "mass is conserved");
        // Reference at t = 1: explicit RK4 with steps well inside its stability bound.
        double[] r = {1, 0, 0};
        double k = 1e-5;
        double[] k1 = new double[3];
        double[] k2 = new double[3];
        double[] k3 = new double[3];
        double[] k4 = new double[3];
        double[] t = new double[3];
        for (int s = 0; s < 100_000; s++) {
            robertson(r, k1);
            for (int i = 0; i < 3; i++) {
                t[i] = r[i] + 0.5 * k * k1[i];
            }
            robertson(t, k2);
            for (int i = 0; i < 3; i++) {
                t[i] = r[i] + 0.5 * k * k2[i];
            }
            robertson(t, k3);
            for (int i = 0; i < 3; i++) {
                t[i] = r[i] + k * k3[i];
            }
            robertson(t, k4);
            for (int i = 0; i < 3; i++) {
                r[i] += k / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        // Backward Euler is first order: h = 0.01 gives about 1e-4 relative error on y0.
        assertEquals(r[0], y[0], 1e-3 * r[0], "y0 at t = 1");
        assertEquals(r[2], y[2], 1e-2 * r[2] + 1e-6, "y2 at t = 1");
    }
}

package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stiff solvers' private LU kernel: residuals of random systems, pivoting, singular matrices. */
class DenseLuTest {
    @Test
    void solvesRandomSystemsToSmallResiduals() {
        Random rng = new Random(14);
        for (int n : new int[] {1, 2, 3, 7, 40}) {
            double[] a = new double[n * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextGaussian();
            }
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rng.nextGaussian();
            }
            double[] b = multiply(a, x, n);
            double[] lu = a.clone();
            int[] pivot = new int[n];
            assertTrue(DenseLu.factor(lu, n, pivot));
            double[] solved = b.clone();
            DenseLu.solve(lu, n, pivot, solved);
            double[] residual = multiply(a, solved, n);
            for (int i = 0; i < n; i++) {
                assertTrue(Math.abs(residual[i] - b[i]) < 1e-10 * (1 + Math.abs(b[i])), "n = " + n + ", row " + i);
            }
        }
    }

    /** A zero leading entry needs a row exchange. */
    @Test
    void pivotsPastAZeroDiagonal() {
        double[] a = {0, 1, 2, 3};
        int[] pivot = new int[2];
        assertTrue(DenseLu.factor(a, 2, pivot));
        double[] b = {1, 8};
        DenseLu.solve(a, 2, pivot, b);
        // [[0, 1], [2, 3]] x = [1, 8]: x1 = 1, x0 = (8 - 3) / 2.
        assertTrue(Math.abs(b[0] - 2.5) < 1e-15 && Math.abs(b[1] - 1) < 1e-15);
    }

    @Test
    void reportsSingularMatrices() {
        assertFalse(DenseLu.factor(new double[] {1, 2, 2, 4}, 2, new int[2]));
        assertFalse(DenseLu.factor(new double[] {Double.NaN, 0, 0, 1}, 2, new int[2]));
    }

    private static double[] multiply(double[] a, double[] x, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += a[i * n + j] * x[j];
            }
        }
        return out;
    }
}

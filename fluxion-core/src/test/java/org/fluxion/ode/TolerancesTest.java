package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The error control's weighted RMS norm. */
class TolerancesTest {
    /** The norm by its definition, in one plain float64 sum. */
    private static double reference(double[] e, double[] u, double[] v, double[] rtol, double[] atol) {
        double sum = 0;
        int controlled = 0;
        for (int i = 0; i < e.length; i++) {
            if (atol[i] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double q = e[i] / (atol[i] + rtol[i] * Math.max(Math.abs(u[i]), Math.abs(v[i])));
            sum += q * q;
            controlled++;
        }
        return controlled == 0 ? 0 : Math.sqrt(sum / controlled);
    }

    /**
     * norm equals the definition to rounding (its partial sums add in another order), leaves its argument alone,
     * and gives the bits of normOverwriting, which overwrites it; components with infinite atol take no part.
     */
    @Test
    void normFollowsItsDefinitionAndLeavesItsArgumentAlone() {
        Random rng = new Random(6);
        for (int n : new int[] {1, 3, 4, 7, 513, 3200}) {
            double[] e = new double[n];
            double[] u = new double[n];
            double[] v = new double[n];
            double[] rtol = new double[n];
            double[] atol = new double[n];
            for (int i = 0; i < n; i++) {
                e[i] = rng.nextGaussian() * 1e-6;
                u[i] = rng.nextGaussian();
                v[i] = rng.nextGaussian();
                rtol[i] = 1e-5;
                atol[i] = i % 5 == 3 ? Double.POSITIVE_INFINITY : 1e-7;
            }
            Tolerances tol = new Tolerances(rtol, atol);
            double[] before = e.clone();
            double norm = tol.norm(e, u, v);
            assertArrayEquals(before, e, 0, "norm changed its argument");
            assertEquals(reference(e, u, v, rtol, atol), norm, 1e-13 * norm, "n = " + n);
            assertEquals(Double.doubleToLongBits(norm), Double.doubleToLongBits(tol.normOverwriting(e, u, v)));
        }
    }

    /** An infinite atol excludes its component even where its error is infinite or NaN. */
    @Test
    void uncontrolledComponentsDoNotReachTheNorm() {
        double[] e = {1e-6, Double.POSITIVE_INFINITY, Double.NaN, 2e-6};
        double[] u = {1, 1, 1, 1};
        double[] rtol = {1e-3, 1e-3, 1e-3, 1e-3};
        double[] atol = {1e-6, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 1e-6};
        double expected = reference(e, u, u, rtol, atol);
        assertEquals(expected, new Tolerances(rtol, atol).norm(e, u, u), 1e-15);
        assertEquals(0, new Tolerances(rtol, new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}).norm(e, u, u));
    }
}

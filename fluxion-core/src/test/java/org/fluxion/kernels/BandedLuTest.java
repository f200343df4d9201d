package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The banded LU against the dense {@link LuKernel}: same solutions, pivoting included, and singularity. */
class BandedLuTest {
    /** A random banded matrix with weak diagonal entries, so that partial pivoting must swap rows. */
    private static double[] dense(int n, int kl, int ku, Random random) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
                a[i * n + j] = random.nextGaussian();
            }
            // every third diagonal entry weak (pivoting swaps there), the others dominant (well conditioned)
            a[i * n + i] = i % 3 == 0 ? 0.01 * a[i * n + i] : a[i * n + i] + Math.copySign(kl + ku + 2, a[i * n + i]);
        }
        return a;
    }

    /** The band storage of {@code a}; the fill rows start as NaN, which {@link BandedLu#factor} must clear. */
    private static double[] band(double[] a, int n, int kl, int ku) {
        int rows = BandedLu.rows(kl, ku);
        double[] ab = new double[n * rows];
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < kl; r++) {
                ab[j * rows + r] = Double.NaN;
            }
            for (int i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++) {
                ab[BandedLu.index(i, j, kl, ku)] = a[i * n + j];
            }
        }
        return ab;
    }

    @Test
    void solvesAsTheDenseLu() {
        Random random = new Random(14);
        int[][] shapes = {{1, 0, 0}, {5, 0, 0}, {7, 1, 1}, {12, 2, 1}, {12, 0, 3}, {15, 3, 0}, {40, 2, 2},
                {33, 5, 4}, {9, 8, 8}};
        for (int[] shape : shapes) {
            int n = shape[0];
            int kl = shape[1];
            int ku = shape[2];
            double[] a = dense(n, kl, ku, random);
            double[] b = new double[n];
            for (int i = 0; i < n; i++) {
                b[i] = random.nextGaussian();
            }
            double[] lu = a.clone();
            int[] pivots = new int[n];
            assertEquals(0, LuKernel.factor(lu, 0, n, pivots, 0));
            double[] expected = b.clone();
            LuKernel.solve(lu, 0, pivots, 0, n, expected, 0, 1);

            double[] ab = band(a, n, kl, ku);
            int[] bandPivots = new int[n];
            assertEquals(0, BandedLu.factor(ab, n, kl, ku, bandPivots));
            double[] got = b.clone();
            BandedLu.solve(ab, n, kl, ku, bandPivots, got);
            double scale = 0;
            for (double v : expected) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], got[i], 1e-10 * scale, "n " + n + " kl " + kl + " ku " + ku + " x[" + i + "]");
            }
            // the residual of the banded solution itself
            for (int i = 0; i < n; i++) {
                double r = -b[i];
                for (int j = 0; j < n; j++) {
                    r += a[i * n + j] * got[j];
                }
                assertEquals(0, r, 1e-9 * scale, "residual row " + i);
            }
        }
    }

    @Test
    void reportsTheFirstZeroPivot() {
        int n = 4;
        // column 1 is zero: the second pivot is exactly zero
        double[] a = {1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 3, 1, 0, 0, 1, 1};
        assertEquals(2, BandedLu.factor(band(a, n, 1, 1), n, 1, 1, new int[n]));
    }
}

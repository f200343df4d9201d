package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recursive LU and triangular solves against their definitions: {@code P A = L U} rebuilt to rounding,
 * the pivots of unblocked partial pivoting, solutions with small residuals, exact zero pivots reported, and
 * the same bits for 1 and 2 threads.
 */
class LuKernelTest {
    private static final int[] SIZES = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129,
        200, 257};

    private static double[] random(int rows, int cols, Random random) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        return a;
    }

    /** Textbook right-looking elimination, one column at a time: the pivots the blocked kernel must choose. */
    private static int[] referencePivots(double[] a0, int n) {
        double[] a = a0.clone();
        int[] pivots = new int[n];
        for (int j = 0; j < n; j++) {
            int p = j;
            for (int i = j + 1; i < n; i++) {
                if (Math.abs(a[i * n + j]) > Math.abs(a[p * n + j])) {
                    p = i;
                }
            }
            pivots[j] = p;
            for (int c = 0; c < n; c++) {
                double t = a[j * n + c];
                a[j * n + c] = a[p * n + c];
                a[p * n + c] = t;
            }
            for (int i = j + 1; i < n; i++) {
                double l = a[i * n + j] /= a[j * n + j];
                for (int c = j + 1; c < n; c++) {
                    a[i * n + c] -= l * a[j * n + c];
                }
            }
        }
        return pivots;
    }

    @Test
    void rebuildsPermutedMatrix() {
        Random random = new Random(13);
        for (int n : SIZES) {
            double[] a = random(n, n, random);
            double[] lu = a.clone();
            int[] pivots = new int[n];
            assertEquals(0, LuKernel.factor(lu, 0, n, pivots, 0), "info, n = " + n);
            assertArrayEquals(referencePivots(a, n), pivots, "pivots, n = " + n);
            double[] pa = a.clone();
            for (int k = 0; k < n; k++) {
                for (int c = 0; c < n; c++) {
                    double t = pa[k * n + c];
                    pa[k * n + c] = pa[pivots[k] * n + c];
                    pa[pivots[k] * n + c] = t;
                }
            }
            double scale = maxAbs(a);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k <= Math.min(i, j); k++) {
                        double l = k == i ? 1 : lu[i * n + k];
                        s += l * lu[k * n + j];
                    }
                    assertEquals(pa[i * n + j], s, 1e-13 * n * scale, "(P A - L U)[" + i + ", " + j + "], n = " + n);
                }
                if (i > 0) {
                    assertTrue(Math.abs(lu[i * n + i - 1]) <= 1, "|L| <= 1 with partial pivoting, n = " + n);
                }
            }
        }
    }

    @Test
    void solvesWithSmallResidual() {
        Random random = new Random(7);
        for (int n : SIZES) {
            for (int m : new int[] {1, 3, 20}) {
                double[] a = random(n, n, random);
                double[] b = random(n, m, random);
                double[] lu = a.clone();
                int[] pivots = new int[n];
                LuKernel.factor(lu, 0, n, pivots, 0);
                double[] x = b.clone();
                LuKernel.solve(lu, 0, pivots, 0, n, x, 0, m);
                assertResidual(a, n, x, b, m, "n = " + n + ", m = " + m);
            }
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertResidual(double[] a, int n, double[] x, double[] b, int m, String what) {
        double norm = maxAbs(x);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < m; c++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i * n + k] * x[k * m + c];
                }
                assertEquals(b[i * m + c], s, 1e-12 * n * Math.max(1, norm), "A X - B, " + what);
            }
        }
    }

    @Test
    void reportsFirstExactZeroPivot() {
        Random random = new Random(3);
        for (int n : new int[] {1, 9, 50, 130}) {
            int zero = n / 3;
            double[] a = random(n, n, random);
            for (int i = 0; i < n; i++) {
                a[i * n + zero] = 0; // a zero column stays zero under row operations: U[zero, zero] = 0
            }
            int[] pivots = new int[n];
            assertEquals(zero + 1, LuKernel.factor(a, 0, n, pivots, 0), "info, n = " + n);
        }
    }

    @Test
    void triangularSolvesOnStridedBlocks() {
        Random random = new Random(11);
        for (int n : new int[] {1, 5, 16, 17, 40, 97}) {
            for (int m : new int[] {1, 6, 33}) {
                for (int variant = 0; variant < 8; variant++) {
                    boolean lower = (variant & 1) != 0;
                    boolean trans = (variant & 2) != 0;
                    boolean unit = (variant & 4) != 0;
                    int lda = n + 3;
                    int ldb = m + 2;
                    double[] a = random(n + 1, lda, random);
                    for (int i = 0; i < n; i++) {
                        a[1 + i * lda + i] += Math.copySign(4, a[1 + i * lda + i]); // well conditioned
                    }
                    double[] b = random(n + 1, ldb, random);
                    double[] x = b.clone();
                    TriangularKernel.solve(a, 1, lda, n, lower, trans, unit, x, 2, ldb, m);
                    // a unit triangle with random entries is ill conditioned: X grows with n
                    double norm = Math.max(1, maxAbs(x));
                    for (int i = 0; i < n; i++) {
                        for (int c = 0; c < m; c++) {
                            double s = 0;
                            for (int k = 0; k < n; k++) {
                                int r = trans ? k : i;
                                int q = trans ? i : k;
                                boolean inTriangle = lower ? q <= r : q >= r;
                                double v = !inTriangle ? 0 : r == q && unit ? 1 : a[1 + r * lda + q];
                                s += v * x[2 + k * ldb + c];
                            }
                            assertEquals(b[2 + i * ldb + c], s, 1e-13 * n * norm, "op(A) X - B, n " + n + " m " + m
                                    + " lower " + lower + " trans " + trans + " unit " + unit);
                        }
                        for (int c = m; c < ldb; c++) {
                            assertEquals(b[2 + i * ldb + c], x[2 + i * ldb + c], "outside B, column " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        int saved = Parallel.threads();
        try {
            double[] a = random(300, 300, new Random(5));
            double[][] results = new double[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                double[] lu = a.clone();
                LuKernel.factor(lu, 0, 300, new int[300], 0);
                results[t - 1] = lu;
            }
            assertArrayEquals(results[0], results[1]);
        } finally {
            Parallel.setThreads(saved);
        }
    }
}

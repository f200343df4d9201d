package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SvdKernel#svd} past its Jacobi size, where it bidiagonalizes ({@link GolubKahanSvd}): reconstruction
 * {@code ||A - U S V^T||}, orthogonality, descending non-negative values, the sign convention and known singular
 * values, on square, tall, wide, full, rank-deficient, graded, repeated and zero matrices, and the same bits
 * for one and two threads.
 */
class GolubKahanSvdTest {
    private static final double EPS = Math.ulp(1.0);
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** The factors of one call, with their shapes. */
    private record Factors(int m, int n, double[] u, int uCols, double[] s, double[] vh, int vhRows) {
    }

    private static Factors svd(double[] a, int m, int n, boolean full) {
        int k = Math.min(m, n);
        int uCols = full ? m : k;
        int vhRows = full ? n : k;
        double[] u = new double[m * uCols];
        double[] s = new double[k];
        double[] vh = new double[vhRows * n];
        assertEquals(0, SvdKernel.svd(a, 0, m, n, s, 0, u, 0, uCols, vh, 0, vhRows), "converged");
        return new Factors(m, n, u, uCols, s, vh, vhRows);
    }

    /** Reconstruction, orthogonality, order and sign convention, with tolerances in units of eps times the size. */
    private static Factors check(String what, double[] a, int m, int n, boolean full) {
        Factors f = svd(a, m, n, full);
        int k = Math.min(m, n);
        double norm = 0;
        for (double x : a) {
            norm = Math.max(norm, Math.abs(x));
        }
        double scale = 20 * EPS * Math.max(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += f.u[i * f.uCols + p] * f.s[p] * f.vh[p * n + j];
                }
                double err = Math.abs(sum - a[i * n + j]);
                assertTrue(err <= scale * Math.max(norm, Double.MIN_NORMAL) * Math.sqrt(k),
                        what + ": (U S V^T - A)[" + i + ", " + j + "] = " + err);
            }
        }
        orthonormal(what + " U^T U", f.u, m, f.uCols, f.uCols, 1, scale);
        orthonormal(what + " Vh Vh^T", f.vh, f.vhRows, n, 1, n, scale);
        for (int j = 0; j < k; j++) {
            assertTrue(f.s[j] >= 0, what + ": s_" + j + " = " + f.s[j]);
            if (j > 0) {
                assertTrue(f.s[j] <= f.s[j - 1], what + ": s not descending at " + j);
            }
        }
        for (int j = 0; j < f.uCols; j++) {
            assertEquals(1.0, SignConvention.ofLargest(f.u, j, f.uCols, m), what + ": sign of U's column " + j);
        }
        return f;
    }

    /** The {@code count} vectors of length len at {@code x[v * vStride + i * iStride]} are orthonormal. */
    private static void orthonormal(String what, double[] x, int rows, int cols, int iStride, int vStride, double tol) {
        boolean columns = iStride != 1;
        int count = columns ? cols : rows;
        int len = columns ? rows : cols;
        for (int p = 0; p < count; p++) {
            for (int q = p; q < count; q++) {
                double dot = 0;
                for (int i = 0; i < len; i++) {
                    dot += x[columns ? i * cols + p : p * cols + i] * x[columns ? i * cols + q : q * cols + i];
                }
                assertEquals(p == q ? 1 : 0, dot, tol, what + " [" + p + ", " + q + "]");
            }
        }
    }

    private static double[] normal(Random r, int len) {
        double[] x = new double[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    /** A random {@code [m, k]} matrix with orthonormal columns (Q of a Gaussian matrix). */
    private static double[] orthonormalColumns(Random r, int m, int k) {
        double[] a = normal(r, m * k);
        double[] tau = new double[k];
        QrKernel.factor(a, 0, m, k, tau, 0);
        double[] q = new double[m * k];
        QrKernel.formQ(a, 0, m, k, tau, 0, q, 0, k);
        return q;
    }

    /** {@code U diag(sigma) V^T} with random orthonormal U {@code [m, k]} and V {@code [n, k]}. */
    private static double[] withSingularValues(Random r, int m, int n, double[] sigma) {
        int k = sigma.length;
        double[] u = orthonormalColumns(r, m, k);
        double[] v = orthonormalColumns(r, n, k);
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += u[i * k + p] * sigma[p] * v[j * k + p];
                }
                a[i * n + j] = sum;
            }
        }
        return a;
    }

    @Test
    void randomSquareTallAndWideMatricesReduceAndFull() {
        Random r = new Random(1);
        int[][] shapes = {{33, 33}, {100, 100}, {150, 60}, {60, 150}, {97, 41}, {41, 97}};
        for (int[] mn : shapes) {
            double[] a = normal(r, mn[0] * mn[1]);
            for (boolean full : new boolean[] {false, true}) {
                check(mn[0] + "x" + mn[1] + (full ? " full" : ""), a, mn[0], mn[1], full);
            }
        }
    }

    @Test
    void knownSingularValuesOfAnIllConditionedMatrix() {
        Random r = new Random(2);
        int k = 70;
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) {
            sigma[i] = Math.pow(10, -12.0 * i / (k - 1));
        }
        double[] a = withSingularValues(r, 90, k, sigma);
        Factors f = check("graded 90x70", a, 90, k, false);
        for (int i = 0; i < k; i++) {
            // Backward stable: absolute error a small multiple of eps ||A||, here relative to 1e-12 at worst.
            assertEquals(sigma[i], f.s[i], 50 * EPS * Math.sqrt(k), "sigma_" + i);
        }
    }

    @Test
    void rankDeficientMatricesHaveZeroSingularValuesAndOrthonormalFactors() {
        Random r = new Random(3);
        int m = 60;
        int n = 50;
        int rank = 5;
        double[] b = normal(r, m * rank);
        double[] c = normal(r, rank * n);
        double[] a = new double[m * n];
        Gemm.dgemm(false, false, m, n, rank, b, 0, rank, c, 0, n, a, 0, n, false);
        for (boolean full : new boolean[] {false, true}) {
            Factors f = check("rank 5" + (full ? " full" : ""), a, m, n, full);
            for (int i = rank; i < n; i++) {
                assertTrue(f.s[i] < 1e-13 * f.s[0], "s_" + i + " = " + f.s[i]);
            }
        }
        double[] zero = new double[40 * 45];
        Factors z = check("zero", zero, 40, 45, true);
        assertArrayEquals(new double[40], z.s, 0.0);
    }

    @Test
    void repeatedAndClusteredSingularValues() {
        Random r = new Random(4);
        int k = 48;
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) {
            sigma[i] = i < 20 ? 3 : i < 40 ? 1 + 1e-10 * i : 1e-8;
        }
        java.util.Arrays.sort(sigma);
        for (int i = 0; i < k / 2; i++) {
            double t = sigma[i];
            sigma[i] = sigma[k - 1 - i];
            sigma[k - 1 - i] = t;
        }
        double[] a = withSingularValues(r, k, k, sigma);
        Factors f = check("repeated", a, k, k, false);
        for (int i = 0; i < k; i++) {
            assertEquals(sigma[i], f.s[i], 20 * EPS * k, "sigma_" + i);
        }
        double[] eye = new double[40 * 40];
        for (int i = 0; i < 40; i++) {
            eye[i * 40 + i] = i % 2 == 0 ? 2 : -2; // diagonal already: nothing to rotate, signs moved into V
        }
        Factors d = check("diagonal", eye, 40, 40, false);
        assertArrayEquals(filled(40, 2), d.s, 0.0);
    }

    @Test
    void graded2x2BlocksAndBidiagonalEdgeCases() {
        // An upper bidiagonal input: bidiagonalization leaves it as it is, the QR sweeps see it directly.
        int n = 64;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = Math.pow(10, -i / 4.0);
            if (i + 1 < n) {
                a[i * n + i + 1] = i % 3 == 0 ? 0 : Math.pow(10, -i / 4.0) / 3;
            }
        }
        check("graded bidiagonal", a, n, n, false);
        double[] wide = new double[n * n];
        for (int i = 0; i < n; i++) {
            wide[i * n + n - 1 - i] = Math.pow(10, (i - n / 2) / 6.0); // a scaled anti-diagonal: a permutation
        }
        Factors f = check("anti-diagonal", wide, n, n, true);
        for (int i = 0; i < n; i++) {
            assertEquals(Math.pow(10, (n - 1 - i - n / 2) / 6.0), f.s[i], 1e-14 * f.s[i], "s_" + i);
        }
        double[] r = BidiagonalQr.twoBySvd(3, 4, 5); // [3 4; 0 5]: singular values sqrt(45) and sqrt(5)
        assertEquals(Math.sqrt(5), Math.abs(r[0]), 1e-15);
        assertEquals(Math.sqrt(45), Math.abs(r[1]), 1e-14);
        assertEquals(Math.sqrt(5), BidiagonalQr.smallerSingularValue(3, 4, 5), 1e-15);
    }

    /** Large enough for the QR sweeps' rotations to be gathered into blocks applied by GEMM. */
    @Test
    void largeMatrixWithRotationsAppliedInBlocks() {
        Random r = new Random(8);
        int m = 790;
        int n = 770;
        double[] a = normal(r, m * n);
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 30; // the benchmark's kind of matrix: clustered singular values
        }
        check("790x770", a, m, n, false);
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        Random r = new Random(5);
        int m = 260;
        int n = 200;
        double[] a = normal(r, m * n);
        Parallel.setThreads(1);
        Factors one = check("260x200, one thread", a.clone(), m, n, false);
        Parallel.setThreads(2);
        Factors two = svd(a.clone(), m, n, false);
        assertArrayEquals(one.s, two.s, 0.0);
        assertArrayEquals(one.u, two.u, 0.0);
        assertArrayEquals(one.vh, two.vh, 0.0);
    }

    private static double[] filled(int len, double v) {
        double[] x = new double[len];
        java.util.Arrays.fill(x, v);
        return x;
    }
}

package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The recursive Cholesky against its definition: {@code L L^T = A} to rounding, L lower with zeros above, the
 * upper triangle of A never read, the first non-positive leading minor reported, the same bits for 1 and 2
 * threads.
 */
class CholeskyKernelTest {
    private static final int[] SIZES = {0, 1, 2, 3, 15, 16, 17, 31, 33, 64, 100, 129, 257};

    /** {@code B B^T + n I}, with NaN above the diagonal (the kernel must not read there). */
    private static double[] spd(int n, Random random) {
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? n : 0;
                for (int p = 0; p < n; p++) {
                    s += b[i * n + p] * b[j * n + p];
                }
                a[i * n + j] = j > i ? Double.NaN : s;
            }
        }
        return a;
    }

    @Test
    void rebuildsTheMatrix() {
        Random random = new Random(17);
        for (int n : SIZES) {
            double[] a = spd(n, random);
            double[] l = a.clone();
            assertEquals(0, CholeskyKernel.factor(l, 0, n), "info, n = " + n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (j > i) {
                        assertEquals(0.0, l[i * n + j], "above the diagonal, n = " + n);
                        continue;
                    }
                    double s = 0;
                    for (int p = 0; p <= j; p++) {
                        s += l[i * n + p] * l[j * n + p];
                    }
                    assertEquals(a[i * n + j], s, 1e-12 * n * n, "(L L^T - A)[" + i + ", " + j + "], n = " + n);
                }
            }
        }
    }

    @Test
    void reportsTheFirstMinorThatIsNotPositive() {
        for (int n : new int[] {1, 20, 70, 200}) {
            int bad = (2 * n) / 3;
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) {
                a[i * n + i] = i == bad ? -1 : 2;
                if (i > 0) {
                    a[i * n + i - 1] = 0.5;
                }
            }
            assertEquals(bad + 1, CholeskyKernel.factor(a, 0, n), "info, n = " + n);
        }
    }

    @Test
    void sameBitsForOneAndTwoThreads() {
        int saved = Parallel.threads();
        try {
            double[] a = spd(300, new Random(2));
            double[][] results = new double[2][];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                results[t - 1] = a.clone();
                CholeskyKernel.factor(results[t - 1], 0, 300);
            }
            assertArrayEquals(results[0], results[1]);
        } finally {
            Parallel.setThreads(saved);
        }
    }
}

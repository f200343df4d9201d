package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Few rows times a B stored transposed ({@code C = A W^T} at batch 1..8) run as dot products over unpacked
 * operands: checked against a float64 reference for tails of k and n, offsets, padded leading dimensions,
 * accumulation into C, and 1 or 2 threads.
 */
class GemmDotRowsTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void fewRowsTimesTransposedBMatchesTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] sizes = {{1, 1000, 512}, {4, 512, 4608}, {8, 37, 131}, {3, 5, 67}, {2, 200, 300}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : sizes) {
                int m = s[0], n = s[1], k = s[2];
                for (boolean accumulate : new boolean[] {false, true}) {
                    int off = 2, lda = k + 1, ldb = k + 3, ldc = n + 2;
                    float[] a = random(rnd, off + m * lda);
                    float[] b = random(rnd, off + n * ldb);
                    float[] c = random(rnd, off + m * ldc);
                    float[] before = c.clone();
                    Gemm.sgemm(false, true, m, n, k, a, off, lda, b, off, ldb, c, off, ldc, accumulate);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double e = accumulate ? before[off + i * ldc + j] : 0;
                            for (int p = 0; p < k; p++) {
                                e += (double) a[off + i * lda + p] * b[off + j * ldb + p];
                            }
                            assertEquals(e, c[off + i * ldc + j], 1e-4 * Math.sqrt(k) + 1e-5 * Math.abs(e),
                                    m + "x" + n + "x" + k + " threads " + threads + " at " + i + "," + j);
                        }
                        // the padding between rows of C is untouched
                        for (int j = n; j < ldc && i < m - 1; j++) {
                            assertEquals(before[off + i * ldc + j], c[off + i * ldc + j]);
                        }
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}

package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Products into a C of at most 4 x 4 over a long depth ({@link SgemmDeepTiny}: a small layer's weight gradient,
 * {@code x^T g}): every layout of A and B, with and without accumulation and bias, against a float64 reference, and the
 * same bits on every call.
 */
class SgemmDeepTinyTest {
    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    @Test
    void matchesTheReferenceInEveryLayout() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int m = 1; m <= 4; m++) {
            for (int n = 1; n <= 4; n++) {
                for (int k : new int[] {16, 17, 40, 200, 1000}) {
                    for (boolean transA : new boolean[] {false, true}) {
                        for (boolean transB : new boolean[] {false, true}) {
                            for (int mode = 0; mode < 3; mode++) { // plain, accumulate, bias
                                float[] a = random(rnd, m * k + 2);
                                float[] b = random(rnd, k * n + 1);
                                float[] bias = random(rnd, n);
                                float[] c0 = random(rnd, m * n + 3);
                                float[] c = c0.clone();
                                int lda = transA ? m : k;
                                int ldb = transB ? k : n;
                                if (mode == 2) {
                                    Gemm.sgemmBias(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, bias, 0, c, 3, n);
                                } else {
                                    Gemm.sgemm(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, c, 3, n, mode == 1);
                                }
                                float[] again = c0.clone();
                                if (mode == 2) {
                                    Gemm.sgemmBias(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, bias, 0, again, 3, n);
                                } else {
                                    Gemm.sgemm(transA, transB, m, n, k, a, 2, lda, b, 1, ldb, again, 3, n, mode == 1);
                                }
                                assertArrayEquals(c, again, "the same bits on every call");
                                for (int i = 0; i < m; i++) {
                                    for (int j = 0; j < n; j++) {
                                        double ref = mode == 1 ? c0[3 + i * n + j] : mode == 2 ? bias[j] : 0;
                                        double scale = Math.abs(ref);
                                        for (int p = 0; p < k; p++) {
                                            double x = a[2 + (transA ? p * lda + i : i * lda + p)];
                                            double y = b[1 + (transB ? j * ldb + p : p * ldb + j)];
                                            ref += x * y;
                                            scale += Math.abs(x * y);
                                        }
                                        double err = Math.abs(c[3 + i * n + j] - ref);
                                        assertTrue(err <= 1e-6 * scale + 1e-7, "m=" + m + " n=" + n + " k=" + k
                                                + " transA=" + transA + " transB=" + transB + " mode=" + mode + ": "
                                                + c[3 + i * n + j] + " vs " + ref);
                                    }
                                }
                                assertEquals(c0[2], c[2]); // nothing written before C
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A stored transposed with rows of 2 to 4 entries and B with rows of 2 to 4 are taken out of interleaved vectors,
     * other layouts by a gather: the same lanes, so the same bits whatever the layout. The arrays end right after
     * the last entry read, so a last block of whole vectors would run past them.
     */
    @Test
    void interleavedAndGatheredLayoutsGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int m = 1; m <= 4; m++) {
            for (int n = 1; n <= 4; n++) {
                for (int k : new int[] {16, 32, 45, 200}) {
                    float[] x = random(rnd, k * m);
                    float[] g = random(rnd, k * n);
                    float[] expected = null;
                    for (int lda = m; lda <= 5; lda++) {
                        for (int ldb = n; ldb <= 5; ldb++) {
                            float[] a = new float[(k - 1) * lda + m];
                            float[] b = new float[(k - 1) * ldb + n];
                            for (int p = 0; p < k; p++) {
                                System.arraycopy(x, p * m, a, p * lda, m);
                                System.arraycopy(g, p * n, b, p * ldb, n);
                            }
                            float[] c = new float[m * n];
                            Gemm.sgemm(true, false, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
                            if (expected == null) {
                                expected = c;
                            }
                            assertArrayEquals(expected, c, "m=" + m + " n=" + n + " k=" + k + " lda=" + lda
                                    + " ldb=" + ldb);
                        }
                    }
                }
            }
        }
    }
}

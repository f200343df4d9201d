package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tall, narrow products through {@link Gemm#sgemm} and {@link Gemm#sgemmBias} (C at most four columns, at most four
 * terms, {@link SgemmTallNarrow}): every row has exactly the bits of the scalar sum {@code ((a0 b0 + a1 b1) + ...)},
 * plus the bias or C's old value after it, whether it lies in a vector block or past the last one, on one thread or
 * two.
 */
class SgemmTallNarrowTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** C[i, j] as the scalar loop rounds it. */
    private static float expected(float[] a, int aOff, int k, float[] b, int bOff, int ldb, boolean transB, int i,
                                  int j, Float after) {
        float s = a[aOff + i * k] * b[bOff + (transB ? j * ldb : j)];
        for (int p = 1; p < k; p++) {
            s += a[aOff + i * k + p] * b[bOff + (transB ? j * ldb + p : p * ldb + j)];
        }
        return after == null ? s : s + after;
    }

    @Test
    void everyRowHasTheBitsOfTheScalarSum() {
        SplittableRandom rnd = new SplittableRandom(3);
        Parallel.setThreads(1);
        for (int n = 1; n <= 4; n++) {
            for (int k = 1; k <= 4; k++) {
                for (int m : new int[] {16, 17, 31, 200, 1001}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        for (int mode = 0; mode < 3; mode++) { // plain, accumulate, bias
                            float[] a = random(rnd, m * k + 3); // A ends with the array: the last block is scalar
                            float[] b = random(rnd, k * n + 2);
                            float[] bias = random(rnd, n + 1);
                            float[] c0 = random(rnd, m * n + 4);
                            float[] c = c0.clone();
                            int ldb = transB ? k : n;
                            if (mode == 2) {
                                Gemm.sgemmBias(false, transB, m, n, k, a, 3, k, b, 2, ldb, bias, 1, c, 4, n);
                            } else {
                                Gemm.sgemm(false, transB, m, n, k, a, 3, k, b, 2, ldb, c, 4, n, mode == 1);
                            }
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    Float after = mode == 0 ? null : mode == 1 ? c0[4 + i * n + j] : bias[1 + j];
                                    float e = expected(a, 3, k, b, 2, ldb, transB, i, j, after);
                                    if (Float.floatToIntBits(e) != Float.floatToIntBits(c[4 + i * n + j])) {
                                        fail("m=" + m + " n=" + n + " k=" + k + " transB=" + transB + " mode=" + mode
                                                + ": C[" + i + ", " + j + "] = " + c[4 + i * n + j] + ", the scalar sum "
                                                + e);
                                    }
                                }
                            }
                            assertEquals(c0[0], c[0]); // nothing written before C
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowsSplitOverThreadsGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(4);
        int m = 70_001; // m n k over the parallel threshold
        int n = 4;
        int k = 4;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] bias = random(rnd, n);
        float[] one = new float[m * n];
        float[] two = new float[m * n];
        Parallel.setThreads(1);
        Gemm.sgemmBias(false, false, m, n, k, a, 0, k, b, 0, n, bias, 0, one, 0, n);
        Parallel.setThreads(2);
        Gemm.sgemmBias(false, false, m, n, k, a, 0, k, b, 0, n, bias, 0, two, 0, n);
        assertArrayEquals(one, two);
        assertEquals(Float.floatToIntBits(expected(a, 0, k, b, 0, n, false, m - 1, 3, bias[3])),
                Float.floatToIntBits(two[m * n - 1]));
    }
}

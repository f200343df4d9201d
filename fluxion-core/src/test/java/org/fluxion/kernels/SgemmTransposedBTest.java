package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A B stored transposed ({@code C = A W^T}, the dense layer's forward) is packed by an in-register transpose
 * of 8 columns by VL depth steps; packing only moves values, so the product must equal, bit for bit, the product with the same
 * B stored as it is (on the packed path: products of at least 4096 multiply-adds), for every tail of the depth (k mod VL) and of the columns (n mod NR), padded leading
 * dimensions, offsets, and 1 or 2 threads.
 */
class SgemmTransposedBTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void transposedBGivesTheSameBitsAsBAsStored() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] sizes = {{64, 128, 784}, {8, 32, 24}, {17, 33, 9}, {40, 70, 263}, {64, 10, 128}, {9, 95, 15},
                {130, 64, 1600}, {3, 200, 31}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : sizes) {
                int m = s[0], n = s[1], k = s[2];
                for (int pad : new int[] {0, 3}) {
                    int off = pad;
                    float[] a = random(rnd, off + m * (k + pad));
                    int ldbT = k + pad; // W [n, k] rows
                    float[] w = random(rnd, off + n * ldbT);
                    int ldb = n + pad; // the same B [k, n] as stored
                    float[] b = new float[off + k * ldb];
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) {
                            b[off + p * ldb + j] = w[off + j * ldbT + p];
                        }
                    }
                    for (boolean accumulate : new boolean[] {false, true}) {
                        float[] c0 = random(rnd, m * n);
                        float[] viaT = c0.clone();
                        float[] viaB = c0.clone();
                        Gemm.sgemm(false, true, m, n, k, a, off, k + pad, w, off, ldbT, viaT, 0, n, accumulate);
                        Gemm.sgemm(false, false, m, n, k, a, off, k + pad, b, off, ldb, viaB, 0, n, accumulate);
                        assertArrayEquals(viaB, viaT, "m=" + m + " n=" + n + " k=" + k + " pad=" + pad
                                + " acc=" + accumulate + " threads=" + threads);
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}

package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A B packed once, multiplied by many A: against a float64 reference, both layouts of B, parallel and serial. */
class SgemmPackedBTest {
    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void matchesTheReferenceProduct() {
        SplittableRandom rnd = new SplittableRandom(1);
        Parallel.setThreads(2);
        // k = 1, k across two depth blocks (600 > 256), n not a multiple of the panel width, m not of the tile
        int[][] shapes = {{1, 1, 1}, {7, 3, 5}, {32, 256, 1024}, {13, 600, 70}, {8, 37, 33}};
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (boolean transB : new boolean[] {false, true}) {
                float[] a = random(rnd, m * k + 3);
                float[] b = random(rnd, k * n + 5);
                SgemmPackedB packed = SgemmPackedB.pack(transB, k, n, b, 5, transB ? k : n);
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] c0 = random(rnd, m * n + 2);
                    float[] parallel = c0.clone();
                    float[] serial = c0.clone();
                    packed.multiply(m, a, 3, k, parallel, 2, n, accumulate);
                    packed.multiplySerial(m, a, 3, k, serial, 2, n, accumulate, new SgemmPackedB.Scratch());
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double ref = accumulate ? c0[2 + i * n + j] : 0;
                            double scale = 0;
                            for (int p = 0; p < k; p++) {
                                double bv = transB ? b[5 + j * k + p] : b[5 + p * n + j];
                                ref += (double) a[3 + i * k + p] * bv;
                                scale += Math.abs(a[3 + i * k + p] * bv);
                            }
                            String where = "m=" + m + " k=" + k + " n=" + n + " transB=" + transB + " accumulate="
                                    + accumulate + " at (" + i + ", " + j + ")";
                            double tol = 1e-5 * (1 + scale);
                            assertEquals(ref, parallel[2 + i * n + j], tol, "parallel " + where);
                            assertEquals(ref, serial[2 + i * n + j], tol, "serial " + where);
                        }
                    }
                    assertEquals(c0[0], parallel[0], "C before its offset is untouched");
                }
            }
        }
    }

    @Test
    void rejectsEmptyOperands() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SgemmPackedB.pack(false, 0, 4, new float[4], 0, 4));
        assertEquals("SgemmPackedB: k and n must be positive, got k=0, n=4", e.getMessage());
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}

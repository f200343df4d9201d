package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SgemmDirect} gives the packed kernel's bits ({@link Sgemm#gemm}) for every depth up to one block,
 * every layout and both accumulate modes: the order of its sums is the packed kernel's. Widths from one vector
 * to several and a bit exercise the shifted last vector; row counts not a multiple of four the single rows.
 * (The values against a float64 reference are in {@link GemmTest}.)
 */
class SgemmDirectTest {
    @Test
    void sameBitsAsThePackedKernel() {
        if (!Vectorization.ENABLED) {
            return; // the kernel is reached only with the Vector API
        }
        SplittableRandom rnd = new SplittableRandom(7);
        int vl = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        int[] widths = {vl, vl + 1, 2 * vl - 1, 2 * vl, 2 * vl + 3, 3 * vl, 4 * vl - 2, 4 * vl, 4 * vl + 1,
            5 * vl - 1, 5 * vl + 7, 9 * vl + 2, 50};
        int[] rows = {1, 3, 4, 7, 64};
        int[] depths = {1, 5, 50, Sgemm.KC};
        for (int n : widths) {
            for (int m : rows) {
                for (int k : depths) {
                    for (int t = 0; t < 8; t++) {
                        check(rnd, m, n, k, (t & 1) != 0, (t & 2) != 0, (t & 4) != 0);
                    }
                }
            }
        }
    }

    private static void check(SplittableRandom rnd, int m, int n, int k, boolean transA, boolean transB,
                              boolean accumulate) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 5;
        int off = 4;
        float[] a = random(rnd, off + (transA ? k : m) * lda);
        float[] b = random(rnd, off + (transB ? n : k) * ldb);
        float[] c = random(rnd, off + m * ldc);
        float[] expected = c.clone();
        Sgemm.gemm(transA, transB, m, n, k, a, off, lda, b, off, ldb, expected, off, ldc, accumulate);
        SgemmDirect.gemm(transA, transB, m, n, k, a, off, lda, b, off, ldb, c, off, ldc, accumulate);
        assertArrayEquals(expected, c, "m=" + m + " n=" + n + " k=" + k + (transA ? " At" : "")
                + (transB ? " Bt" : "") + (accumulate ? " acc" : ""));
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}

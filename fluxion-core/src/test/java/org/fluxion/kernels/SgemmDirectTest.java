package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SgemmDirect} gives the packed kernel's bits ({@link Sgemm#gemm}) for every depth up to one block,
 * every layout, both accumulate modes and with a bias: the order of its sums is the packed kernel's. Widths from one vector
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
                    for (int t = 0; t < 12; t++) { // the last four: a bias, into a new C
                        check(rnd, m, n, k, (t & 1) != 0, (t & 2) != 0, t >= 4 && t < 8, t >= 8);
                    }
                }
            }
        }
    }

    /**
     * A transposed B is kept between calls only while it holds the same values: changing one element of the
     * weights in place, or passing other weights of the same shape, gives the new product.
     */
    @Test
    void keptTransposeFollowsItsValues() {
        if (!Vectorization.ENABLED) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(11);
        int m = 64;
        int n = 50;
        int k = 50;
        float[] a = random(rnd, m * k);
        float[] w = random(rnd, n * k);
        float[] other = random(rnd, n * k);
        for (float[] b : new float[][] {w, other, w, w.clone(), other}) {
            product(a, b, m, n, k);
        }
        for (int change = 0; change < 6; change++) {
            w[rnd.nextInt(w.length)] += 0.5f;
            product(a, w, m, n, k);
            product(a, other, m, n, k);
        }
        w[7] = -0.0f;
        product(a, w, m, n, k);
        w[7] = 0.0f;
        product(a, w, m, n, k);
    }

    /** {@code a [m, k] . b^T} ({@code b} as stored [n, k]) by both kernels, compared bit for bit. */
    private static void product(float[] a, float[] b, int m, int n, int k) {
        float[] expected = new float[m * n];
        float[] c = new float[m * n];
        Sgemm.gemm(false, true, m, n, k, a, 0, k, b, 0, k, expected, 0, n, false);
        SgemmDirect.gemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
        assertArrayEquals(expected, c);
    }

    private static void check(SplittableRandom rnd, int m, int n, int k, boolean transA, boolean transB,
                              boolean accumulate, boolean withBias) {
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 5;
        int off = 4;
        float[] a = random(rnd, off + (transA ? k : m) * lda);
        float[] b = random(rnd, off + (transB ? n : k) * ldb);
        float[] c = random(rnd, off + m * ldc);
        float[] bias = withBias ? random(rnd, off + n) : null;
        float[] expected = c.clone();
        Sgemm.gemm(transA, transB, m, n, k, a, off, lda, b, off, ldb, bias, off, expected, off, ldc, accumulate);
        SgemmDirect.gemm(transA, transB, m, n, k, a, off, lda, b, off, ldb, bias, off, c, off, ldc, accumulate);
        assertArrayEquals(expected, c, "m=" + m + " n=" + n + " k=" + k + (transA ? " At" : "")
                + (transB ? " Bt" : "") + (accumulate ? " acc" : "") + (withBias ? " bias" : ""));
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}

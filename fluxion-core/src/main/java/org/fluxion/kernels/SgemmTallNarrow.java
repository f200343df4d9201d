package org.fluxion.kernels;

/**
 * {@code C[m, n] = A[m, k] · B[k, n]} (plus C's old values or a bias row) for a tall C with a handful of columns and
 * a handful of terms: a small network's layers on a batch ({@code [200, 2] x [2, 3]}, seed 003's moons network).
 *
 * <p>One column of C at a time: that column's k entries of B are held in locals (registers), and a loop over the rows
 * computes {@code ((A[r,0] B[0,j] + A[r,1] B[1,j]) + ...)}, every product and sum rounded in that order, then the
 * bias or C's old value; one loop per k so that the terms are straight-line code. A packed or vector kernel spends
 * more on its set-up than such a product costs: {@code [200, 2] x [2, 3]} plus a bias took 0.71 us through
 * {@link Gemm} as permutes of A's vectors (two-vector {@code selectFrom}, the lane patterns and B's entries laid out
 * per call), 0.46 us so.
 */
final class SgemmTallNarrow {
    /** The widest C and the deepest A it takes. */
    static final int MAX_N = 4;
    static final int MAX_K = 4;
    /** The fewest rows: shorter products go to the small kernels. */
    private static final int MIN_M = 16;

    private SgemmTallNarrow() {
    }

    /** Whether it computes this product: A and C rows contiguous, at least {@link #MIN_M} rows, n and k small. */
    static boolean takes(boolean transA, int m, int n, int k, int lda, int ldc) {
        return !transA && n >= 1 && n <= MAX_N && k >= 1 && k <= MAX_K && lda == k && ldc == n && m >= MIN_M;
    }

    /**
     * The product, {@code B(p, j) = b[bOff + p*bp + j*bj]}; {@code add} (length n, or null) is added to every row
     * after the sum (a bias), else C's old values when {@code accumulate}. Requires {@link #takes}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, int bp, int bj, float[] add,
                     int addOff, float[] c, int cOff, boolean accumulate) {
        KernelChecks.range("sgemm", "a", a.length, aOff, m * k);
        KernelChecks.range("sgemm", "c", c.length, cOff, m * n);
        KernelChecks.range("sgemm", "b", b.length, bOff, (k - 1) * bp + (n - 1) * bj + 1);
        // 0: plain, 1: the bias, 2: C's old value, each added after the sum.
        int after = add != null ? 1 : accumulate ? 2 : 0;
        for (int j = 0; j < n; j++) {
            float b0 = b[bOff + j * bj];
            float b1 = k > 1 ? b[bOff + bp + j * bj] : 0;
            float b2 = k > 2 ? b[bOff + 2 * bp + j * bj] : 0;
            float b3 = k > 3 ? b[bOff + 3 * bp + j * bj] : 0;
            float bias = add != null ? add[addOff + j] : 0;
            switch (k) {
                case 1 -> column1(m, n, a, aOff, b0, after, bias, c, cOff + j);
                case 2 -> column2(m, n, a, aOff, b0, b1, after, bias, c, cOff + j);
                case 3 -> column3(m, n, a, aOff, b0, b1, b2, after, bias, c, cOff + j);
                default -> column4(m, n, a, aOff, b0, b1, b2, b3, after, bias, c, cOff + j);
            }
        }
    }

    /** {@code s} plus what comes after the sum: nothing, the bias, or the old {@code c[ci]}. */
    private static float finish(float s, int after, float bias, float[] c, int ci) {
        return after == 0 ? s : after == 1 ? s + bias : s + c[ci];
    }

    private static void column1(int m, int n, float[] a, int ai, float b0, int after, float bias, float[] c, int ci) {
        for (int r = 0; r < m; r++, ai += 1, ci += n) {
            c[ci] = finish(a[ai] * b0, after, bias, c, ci);
        }
    }

    private static void column2(int m, int n, float[] a, int ai, float b0, float b1, int after, float bias, float[] c,
                                int ci) {
        for (int r = 0; r < m; r++, ai += 2, ci += n) {
            c[ci] = finish(a[ai] * b0 + a[ai + 1] * b1, after, bias, c, ci);
        }
    }

    private static void column3(int m, int n, float[] a, int ai, float b0, float b1, float b2, int after, float bias,
                                float[] c, int ci) {
        for (int r = 0; r < m; r++, ai += 3, ci += n) {
            c[ci] = finish(a[ai] * b0 + a[ai + 1] * b1 + a[ai + 2] * b2, after, bias, c, ci);
        }
    }

    private static void column4(int m, int n, float[] a, int ai, float b0, float b1, float b2, float b3, int after,
                                float bias, float[] c, int ci) {
        for (int r = 0; r < m; r++, ai += 4, ci += n) {
            c[ci] = finish(a[ai] * b0 + a[ai + 1] * b1 + a[ai + 2] * b2 + a[ai + 3] * b3, after, bias, c, ci);
        }
    }
}

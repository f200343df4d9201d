package org.fluxion.kernels;

/**
 * A sequence of plane rotations applied to adjacent rows of a row-major matrix (LAPACK's {@code dlasr},
 * variable pivot, forward, and backward by {@link #applyBackward}): for {@code k = lo .. hi - 1} in order, rows k and k+1 become
 * {@code c_k r_k + s_k r_(k+1)} and {@code -s_k r_k + c_k r_(k+1)}.
 *
 * <p>One QR sweep of a tridiagonal or bidiagonal matrix produces such a sequence; applying its rotations one
 * at a time streams the whole eigenvector matrix through memory once per sweep. Applied here column block by
 * column block, the rows of a block stay in cache for the whole sequence, and each element sees the same
 * operations in the same order as one rotation at a time (bit-identical results).
 */
final class RotationSequence {
    /** Columns per block: {@code (hi - lo + 1) * BLOCK} doubles stay in L2 for sequences of a few thousand. */
    private static final int BLOCK = 128;

    private RotationSequence() {
    }

    /** Applies rotations {@code (c[k], s[k])}, {@code k in [lo, hi)}, to rows of {@code m} ({@code cols} wide). */
    static void apply(double[] m, int cols, int lo, int hi, double[] c, double[] s) {
        for (int j0 = 0; j0 < cols; j0 += BLOCK) {
            int j1 = Math.min(cols, j0 + BLOCK);
            int k = lo;
            // Two rotations per pass: row k+1 stays in registers between them (one load and store fewer).
            for (; k + 1 < hi; k += 2) {
                pair(m, cols, k, c[k], s[k], c[k + 1], s[k + 1], j0, j1);
            }
            if (k < hi) {
                single(m, cols, k, c[k], s[k], j0, j1);
            }
        }
    }

    /** As {@link #apply}, the rotations taken in the opposite order: {@code k = hi - 1} down to {@code lo}. */
    static void applyBackward(double[] m, int cols, int lo, int hi, double[] c, double[] s) {
        for (int j0 = 0; j0 < cols; j0 += BLOCK) {
            int j1 = Math.min(cols, j0 + BLOCK);
            for (int k = hi - 1; k >= lo; k--) {
                single(m, cols, k, c[k], s[k], j0, j1);
            }
        }
    }

    // c a + s b and c b - s a, in this order and without fma, in the vector and scalar paths alike: every
    // element is rounded as by one rotation at a time.

    static void single(double[] m, int cols, int k, double ck, double sk, int j0, int j1) {
        int p = k * cols;
        int q = p + cols;
        int j = j0;
        if (Vectorization.ENABLED) {
            DoubleLanes.rotateRows(m, p, q, ck, sk, j0, j1 - j0);
            j += DoubleLanes.bound(j1 - j0);
        }
        for (; j < j1; j++) {
            double a = m[p + j];
            double b = m[q + j];
            m[p + j] = ck * a + sk * b;
            m[q + j] = ck * b - sk * a;
        }
    }

    private static void pair(double[] m, int cols, int k, double c0, double s0, double c1, double s1, int j0,
                             int j1) {
        int p = k * cols;
        int q = p + cols;
        int r = q + cols;
        int j = j0;
        if (Vectorization.ENABLED) {
            DoubleLanes.rotateRowPairs(m, p, q, r, c0, s0, c1, s1, j0, j1 - j0);
            j += DoubleLanes.bound(j1 - j0);
        }
        for (; j < j1; j++) {
            double a = m[p + j];
            double b = m[q + j];
            double d = m[r + j];
            m[p + j] = c0 * a + s0 * b;
            double b1 = c0 * b - s0 * a;
            m[q + j] = c1 * b1 + s1 * d;
            m[r + j] = c1 * d - s1 * b1;
        }
    }
}

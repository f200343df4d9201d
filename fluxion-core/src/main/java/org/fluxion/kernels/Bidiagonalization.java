package org.fluxion.kernels;

/**
 * Householder reduction of a row-major {@code m x n} matrix, {@code m >= n}, to upper bidiagonal form (LAPACK's
 * {@code gebd2}): {@code A = Q B P^T}, B with diagonal {@code d[0..n)} and superdiagonal {@code e[0..n-1)}.
 * {@code Q = H_0 H_1 ... H_(n-1)}, {@code H_i = I - tauq_i v v^T} mapping column i below the diagonal to
 * {@code d_i}, v left below the diagonal of column i (the layout of {@link QrKernel#factor}, leading 1 implied);
 * {@code P = G_0 ... G_(n-2)}, {@code G_i = I - taup_i u u^T} on indices {@code i+1 .. n-1} mapping row i
 * right of the diagonal to {@code e_i}, u left right of the superdiagonal of row i.
 *
 * <p>Memory traffic bounds this stage, so each step makes two passes over the trailing matrix instead of
 * four: {@code w = v^T A} (read), then one read-modify-write pass in which each row takes the left update
 * {@code a_r -= tauq v_r w} and, while in cache, the right one {@code a_r -= taup (a_r . u) u}. The first
 * pass is split over threads by columns, the second by rows; every element sees the same operations in the
 * same order (fma in lanes and tails alike) whatever the split, so results do not depend on the thread count.
 */
final class Bidiagonalization {
    /** Reflectors per block when Q and P are applied (compact WY, {@link BlockReflector}). */
    private static final int BLOCK = 32;
    /** Trailing-matrix entries below which a pass stays on the calling thread. */
    private static final int PARALLEL_MIN = 1 << 15;

    private Bidiagonalization() {
    }

    /** Reduces {@code a} in place (reflectors left in it as described above) and fills d, e, tauq, taup. */
    static void reduce(double[] a, int m, int n, double[] d, double[] e, double[] tauq, double[] taup) {
        double[] w = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            QrKernel.reflector(a, 0, m, n, i, tauq, 0);
            d[i] = a[i * n + i];
            int c0 = i + 1;
            int len = n - c0;
            if (len == 0) {
                return;
            }
            double tq = tauq[i];
            if (tq != 0) {
                leftProduct(a, m, n, i, w);
                for (int c = c0; c < n; c++) {
                    a[i * n + c] -= tq * w[c];
                }
            }
            rowReflector(a, n, i, e, taup, u);
            double tp = taup[i];
            if (tq == 0 && tp == 0) {
                continue;
            }
            int rows = m - c0;
            int col = i;
            int grain = Math.max(1, PARALLEL_MIN / len);
            Parallel.forRange(rows, grain, (r0, r1) -> {
                for (int r = c0 + r0; r < c0 + r1; r++) {
                    updateRow(a, r * n + c0, tq * a[r * n + col], w, tp, u, c0, len);
                }
            });
        }
    }

    /** {@code w[c] = sum_(r >= i) v_r a[r, c]} for {@code c > i}, v the left reflector of column i ({@code v_i = 1}). */
    private static void leftProduct(double[] a, int m, int n, int i, double[] w) {
        int c0 = i + 1;
        int len = n - c0;
        int grain = (long) (m - i) * len < PARALLEL_MIN ? len : 8;
        Parallel.forRange(len, grain, (s, t) -> {
            int from = c0 + s;
            System.arraycopy(a, i * n + from, w, from, t - s);
            for (int r = i + 1; r < m; r++) {
                axpy(a[r * n + i], a, r * n + from, w, from, t - s);
            }
        });
    }

    /** {@code y += f x} over {@code len} entries, by fma everywhere (lanes and tail round alike). */
    private static void axpy(double f, double[] x, int xo, double[] y, int yo, int len) {
        if (f == 0) {
            return;
        }
        int j = 0;
        if (Vectorization.ENABLED) {
            DoubleLanes.axpy(f, x, xo, y, yo, len);
            j = DoubleLanes.bound(len);
        }
        for (; j < len; j++) {
            y[yo + j] = Math.fma(x[xo + j], f, y[yo + j]);
        }
    }

    /** Row {@code a[ro .. ro + len)}: {@code a -= f w[c0..]}, then {@code a -= tp (a . u[c0..]) u[c0..]}. */
    private static void updateRow(double[] a, int ro, double f, double[] w, double tp, double[] u, int c0, int len) {
        if (tp == 0) {
            axpy(-f, w, c0, a, ro, len);
            return;
        }
        double dot = 0;
        int j = 0;
        if (Vectorization.ENABLED) {
            dot = DoubleLanes.subtractAndDot(a, ro, f, w, c0, u, c0, len);
            j = DoubleLanes.bound(len);
        }
        for (; j < len; j++) {
            double v = Math.fma(w[c0 + j], -f, a[ro + j]);
            a[ro + j] = v;
            dot = Math.fma(v, u[c0 + j], dot);
        }
        axpy(-tp * dot, u, c0, a, ro, len);
    }

    /**
     * Right reflector of row i (entries {@code i+1 .. n-1}), as {@link QrKernel}'s left one: {@code e_i = beta},
     * u scaled to a leading 1, left in the row and copied to {@code u[i+1 ..]}.
     */
    private static void rowReflector(double[] a, int n, int i, double[] e, double[] taup, double[] u) {
        int row = i * n;
        double alpha = a[row + i + 1];
        double xnorm = EighKernel.norm(a, row + i + 2, n - i - 2);
        u[i + 1] = 1;
        if (xnorm == 0) {
            taup[i] = 0;
            e[i] = alpha;
            java.util.Arrays.fill(u, i + 2, n, 0.0);
            return;
        }
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        taup[i] = (beta - alpha) / beta;
        double inv = 1 / (alpha - beta);
        for (int c = i + 2; c < n; c++) {
            a[row + c] *= inv;
            u[c] = a[row + c];
        }
        a[row + i + 1] = beta;
        e[i] = beta;
    }

    /** {@code C <- Q C}, C the row-major {@code [m, cols]} block at {@code c[0..]}; blocks of reflectors last to first. */
    static void applyQ(double[] a, int m, int n, double[] tauq, double[] c, int cols) {
        for (int j0 = ((n - 1) / BLOCK) * BLOCK; j0 >= 0; j0 -= BLOCK) {
            int nb = Math.min(BLOCK, n - j0);
            BlockReflector.of(a, 0, m, n, j0, nb, tauq, 0).apply(c, j0 * cols, cols, cols);
        }
    }

    /**
     * {@code C <- P C}, C the row-major {@code [n, cols]} block at {@code c[0..]}. Reflector i acts on indices
     * {@code i+1 ..}: its vector is copied, as column i, into an {@code [n-1, n-1]} matrix in QR's layout
     * (index g at row g - 1).
     */
    static void applyP(double[] a, int n, double[] taup, double[] c, int cols) {
        int count = n - 1;
        if (count < 1) {
            return;
        }
        double[] pt = new double[count * count];
        for (int i = 0; i < count; i++) {
            for (int g = i + 2; g < n; g++) {
                pt[(g - 1) * count + i] = a[i * n + g];
            }
        }
        for (int j0 = ((count - 1) / BLOCK) * BLOCK; j0 >= 0; j0 -= BLOCK) {
            int nb = Math.min(BLOCK, count - j0);
            BlockReflector.of(pt, 0, count, count, j0, nb, taup, 0).apply(c, (j0 + 1) * cols, cols, cols);
        }
    }
}

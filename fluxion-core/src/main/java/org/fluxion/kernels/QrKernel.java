package org.fluxion.kernels;

/**
 * Householder QR factorization of a dense row-major {@code m x n} matrix (LAPACK's {@code geqrf} and
 * {@code orgqr}, with their conventions, so that results agree with NumPy's): {@code A = Q R}, Q with
 * orthonormal columns, R upper triangular. Reflector {@code j} is {@code H_j = I - tau_j v v^T} with
 * {@code v[j] = 1}, {@code v[i] = 0} above and {@code v[i]} stored in A below the diagonal; it maps column
 * j to {@code beta e_j}, {@code beta = -sign(alpha) ||x||}, so R's diagonal has the sign opposite to the
 * pivot entry it replaced (and R's diagonal may be negative). A column already zero below the diagonal gets
 * no reflector ({@code tau = 0}).
 */
public final class QrKernel {
    private QrKernel() {
    }

    /** Columns per block: a block's reflectors reach the rest of the matrix as one compact WY update. */
    static final int BLOCK = 32;

    /**
     * Factors {@code a[off .. off + m*n)} in place: R on and above the diagonal, the reflectors below it, and
     * their {@code min(m, n)} scalars at {@code tau[tauOff..]}. Blocked: each panel of {@link #BLOCK} columns is
     * factored column by column, then applied to the columns right of it at once as
     * {@code (I - V T^T V^T) A2} (Schreiber and Van Loan's compact WY form, two GEMMs).
     */
    public static void factor(double[] a, int off, int m, int n, double[] tau, int tauOff) {
        KernelChecks.range("qr", "a", a.length, off, m * n);
        int k = Math.min(m, n);
        double[] w = new double[n];
        for (int j0 = 0; j0 < k; j0 += BLOCK) {
            int nb = Math.min(BLOCK, k - j0);
            int panelEnd = n - (j0 + nb) < BLOCK ? n : j0 + nb; // a thin remainder is updated column by column
            for (int j = j0; j < j0 + nb; j++) {
                reflector(a, off, m, n, j, tau, tauOff);
                double t = tau[tauOff + j];
                if (t != 0) {
                    reflect(a, off, n, j, m, j + 1, panelEnd, a, off, n, j, t, w);
                }
            }
            if (panelEnd < n) {
                BlockReflector block = BlockReflector.of(a, off, m, n, j0, nb, tau, tauOff);
                block.applyTransposed(a, off + j0 * n + j0 + nb, n, n - j0 - nb);
            }
        }
    }

    /** Reflector j: maps column j below the diagonal to {@code beta e_j}; v stored below the diagonal, tau_j set. */
    static void reflector(double[] a, int off, int m, int n, int j, double[] tau, int tauOff) {
        double alpha = a[off + j * n + j];
        double xnorm = 0;
        double scale = 0;
        for (int i = j + 1; i < m; i++) {
            scale = Math.max(scale, Math.abs(a[off + i * n + j]));
        }
        if (scale > 0) {
            // ||x|| with the entries scaled by their largest, so that squares neither overflow nor underflow.
            double s = 0;
            for (int i = j + 1; i < m; i++) {
                double v = a[off + i * n + j] / scale;
                s += v * v;
            }
            xnorm = scale * Math.sqrt(s);
        }
        if (xnorm == 0) {
            tau[tauOff + j] = 0;
            return;
        }
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        tau[tauOff + j] = (beta - alpha) / beta;
        double inv = 1 / (alpha - beta);
        for (int i = j + 1; i < m; i++) {
            a[off + i * n + j] *= inv;
        }
        a[off + j * n + j] = beta;
    }

    /**
     * Applies {@code H = I - tau v v^T} from the left to rows {@code [r0, m)}, columns {@code [c0, c1)} of the
     * row-major matrix {@code b} (leading dimension {@code ldb}); v is column {@code vc} of {@code a} from row
     * {@code r0} (its first entry taken as 1): {@code w = v^T B}, then {@code B -= tau v w}.
     */
    private static void reflect(double[] b, int bOff, int ldb, int r0, int m, int c0, int c1,
                                double[] a, int aOff, int lda, int vc, double tau, double[] w) {
        if (c1 <= c0) {
            return;
        }
        int r0b = bOff + r0 * ldb;
        for (int c = c0; c < c1; c++) {
            w[c] = b[r0b + c];
        }
        for (int i = r0 + 1; i < m; i++) {
            double v = a[aOff + i * lda + vc];
            if (v != 0) {
                int ri = bOff + i * ldb;
                for (int c = c0; c < c1; c++) {
                    w[c] += v * b[ri + c];
                }
            }
        }
        for (int c = c0; c < c1; c++) {
            b[r0b + c] -= tau * w[c];
        }
        for (int i = r0 + 1; i < m; i++) {
            double tv = tau * a[aOff + i * lda + vc];
            if (tv != 0) {
                int ri = bOff + i * ldb;
                for (int c = c0; c < c1; c++) {
                    b[ri + c] -= tv * w[c];
                }
            }
        }
    }

    /**
     * Forms the first {@code qCols} columns of {@code Q = H_0 H_1 ... H_(k-1)} from the output of
     * {@link #factor} ({@code k = min(m, n)} reflectors): {@code q[qOff..]} is row-major {@code [m, qCols]},
     * {@code k <= qCols <= m}. Blocks of reflectors are applied last to first, each as
     * {@code (I - V T V^T) Q2} to the rows and columns it changes.
     */
    public static void formQ(double[] a, int off, int m, int n, double[] tau, int tauOff, double[] q, int qOff,
                             int qCols) {
        int k = Math.min(m, n);
        java.util.Arrays.fill(q, qOff, qOff + m * qCols, 0.0);
        for (int i = 0; i < qCols; i++) {
            q[qOff + i * qCols + i] = 1;
        }
        double[] w = new double[qCols];
        int last = k == 0 ? 0 : ((k - 1) / BLOCK) * BLOCK;
        for (int j0 = last; j0 >= 0 && k > 0; j0 -= BLOCK) {
            int nb = Math.min(BLOCK, k - j0);
            if (qCols - j0 < 2 * BLOCK) {
                for (int j = j0 + nb - 1; j >= j0; j--) {
                    double t = tau[tauOff + j];
                    if (t != 0) {
                        reflect(q, qOff, qCols, j, m, j, qCols, a, off, n, j, t, w);
                    }
                }
            } else {
                BlockReflector.of(a, off, m, n, j0, nb, tau, tauOff).apply(q, qOff + j0 * qCols + j0, qCols, qCols - j0);
            }
        }
    }
}

package org.fluxion.kernels;

/**
 * Singular value decomposition {@code A = U diag(s) V^T} of a dense row-major {@code m x n} matrix. Past
 * {@link #JACOBI_MAX} columns (of the tall orientation) a finite matrix goes the way of LAPACK's
 * {@code gesvd}: Householder bidiagonalization and bidiagonal QR ({@link GolubKahanSvd}), backward stable, with
 * the conventions below. Smaller matrices, and those with NaN or infinite entries, are factored by
 * one-sided Jacobi rotations (Hestenes' method; Demmel and Veselić, "Jacobi's method is more accurate than
 * QR", 1992): the {@code k = min(m, n)} columns of the tall orientation of A (A, or A^T when {@code m < n}) are
 * rotated pairwise until every pair is orthogonal to working precision; their norms are the singular values,
 * the normalized columns the left singular vectors of that orientation and the accumulated rotations the
 * right ones. Small singular values come with high relative accuracy.
 *
 * <p>Singular values are returned in descending order. Singular vectors are defined up to a common sign per
 * pair: each column of U is returned with its entry of largest magnitude positive. Where a singular value is
 * exactly zero, or where the full factorization asks for more columns than {@code min(m, n)}, the missing
 * vectors are completed to an orthonormal basis by Gram-Schmidt against the unit vectors.
 */
public final class SvdKernel {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_SWEEPS = 60;
    /**
     * Largest {@code min(m, n)} factored by Jacobi rotations; larger (finite) matrices go through
     * bidiagonalization and bidiagonal QR ({@link GolubKahanSvd}). Measured on random square matrices (thread
     * CPU time, one thread): Jacobi 6.4 us against 9.8 at n = 8, 41 against 31 at n = 16, 234 against 129 at 32.
     */
    static final int JACOBI_MAX = 12;

    private SvdKernel() {
    }

    /**
     * Singular values into {@code s[sOff .. sOff + k)}; when {@code u} is not null, U into {@code u[uOff..]}
     * as row-major {@code [m, uCols]} ({@code uCols} is k, or m for the full factorization); when {@code vh} is
     * not null, {@code V^T} into {@code vh[vhOff..]} as row-major {@code [vhRows, n]} ({@code vhRows} is k, or n).
     *
     * @return 0, or 1 when the rotations did not converge within {@value #MAX_SWEEPS} sweeps
     */
    public static int svd(double[] a, int off, int m, int n, double[] s, int sOff, double[] u, int uOff, int uCols,
                          double[] vh, int vhOff, int vhRows) {
        KernelChecks.range("svd", "a", a.length, off, m * n);
        if (Math.min(m, n) > JACOBI_MAX && finite(a, off, m * n)) {
            return GolubKahanSvd.svd(a, off, m, n, s, sOff, u, uOff, uCols, vh, vhOff, vhRows);
        }
        boolean tall = m >= n;
        int k = Math.min(m, n);
        int len = Math.max(m, n);
        boolean vectors = u != null || vh != null;
        // Row j of w is column j of the tall orientation; row j of r is the j-th right vector of that orientation.
        double[] w = new double[k * len];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                w[tall ? j * len + i : i * len + j] = a[off + i * n + j];
            }
        }
        double[] r = vectors ? identity(k) : null;
        int info = rotate(w, k, len, r) ? 0 : 1;
        double[] norms = new double[k];
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            norms[j] = EighKernel.norm(w, j * len, len);
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
        for (int j = 0; j < k; j++) {
            s[sOff + j] = norms[order[j]];
        }
        if (!vectors) {
            return info;
        }
        int leftCount = Math.max(k, tall ? (u == null ? k : uCols) : (vh == null ? k : vhRows));
        double[] left = new double[leftCount * len];
        boolean[] missing = new boolean[leftCount];
        double[] right = new double[k * k];
        for (int j = 0; j < k; j++) {
            int src = order[j];
            double sigma = norms[src];
            missing[j] = sigma == 0 || !Double.isFinite(sigma);
            for (int i = 0; i < len && !missing[j]; i++) {
                left[j * len + i] = w[src * len + i] / sigma;
            }
            System.arraycopy(r, src * k, right, j * k, k);
        }
        for (int j = k; j < leftCount; j++) {
            missing[j] = true;
        }
        complete(left, leftCount, len, missing);
        // The sign convention on U's columns: from the left vectors when tall, from the right ones otherwise.
        for (int j = 0; j < leftCount; j++) {
            boolean fromLeft = tall || j >= k;
            double sign = fromLeft ? SignConvention.ofLargest(left, j * len, 1, len)
                    : SignConvention.ofLargest(right, j * k, 1, k);
            if (sign < 0) {
                scale(left, j * len, len, -1);
                if (j < k) {
                    scale(right, j * k, k, -1);
                }
            }
        }
        double[] uRows = tall ? left : right; // row j = column j of U
        int uLen = tall ? len : k;
        double[] vRows = tall ? right : left; // row j = row j of V^T
        int vLen = tall ? k : len;
        if (u != null) {
            for (int j = 0; j < uCols; j++) {
                for (int i = 0; i < m; i++) {
                    u[uOff + i * uCols + j] = uRows[j * uLen + i];
                }
            }
        }
        if (vh != null) {
            for (int j = 0; j < vhRows; j++) {
                System.arraycopy(vRows, j * vLen, vh, vhOff + j * n, n);
            }
        }
        return info;
    }

    /**
     * Sweeps of rotations over all pairs of rows of w ({@code k} rows of length {@code len}) until none is
     * needed; each rotation also applied to the rows of r (when not null). For rows p, q with
     * {@code alpha = |w_p|^2}, {@code beta = |w_q|^2}, {@code gamma = w_p . w_q}, the rotation by
     * {@code t = tan(theta) = sign(zeta) / (|zeta| + sqrt(1 + zeta^2))}, {@code zeta = (beta - alpha) / (2 gamma)},
     * makes them orthogonal. Returns whether the sweeps converged.
     */
    private static boolean rotate(double[] w, int k, int len, double[] r) {
        double tol = Math.sqrt(len) * EPS;
        double[] squares = new double[k];
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            // Squared row norms: exact at each sweep's start, then carried through the rotations
            // (alpha - t gamma, beta + t gamma), and recomputed where that update cancels: one dot product per
            // pair instead of three.
            for (int j = 0; j < k; j++) {
                squares[j] = dot(w, j * len, j * len, len);
            }
            boolean rotated = false;
            for (int p = 0; p < k - 1; p++) {
                for (int q = p + 1; q < k; q++) {
                    int pp = p * len;
                    int qq = q * len;
                    double alpha = squares[p];
                    double beta = squares[q];
                    double gamma = dot(w, pp, qq, len);
                    if (!(Math.abs(gamma) > tol * Math.sqrt(alpha) * Math.sqrt(beta))) { // also NaN: nothing to rotate
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
                    double c = 1 / Math.hypot(1, t);
                    double sn = c * t;
                    rotatePair(w, pp, qq, len, c, sn);
                    if (r != null) {
                        rotatePair(r, p * k, q * k, k, c, sn);
                    }
                    squares[p] = carried(w, pp, len, alpha, alpha - t * gamma);
                    squares[q] = carried(w, qq, len, beta, beta + t * gamma);
                }
            }
            if (!rotated) {
                return true;
            }
        }
        return false;
    }

    /** The updated squared norm, or the row's exact one when the update lost more than a digit to cancellation. */
    private static double carried(double[] x, int p, int len, double before, double updated) {
        return updated >= 0.1 * before ? updated : dot(x, p, p, len);
    }

    /** {@code x_p . x_q} over {@code len} entries (the whole vectors in lanes, see {@link DoubleLanes}). */
    private static double dot(double[] x, int p, int q, int len) {
        double sum = 0;
        int i = 0;
        if (Vectorization.ENABLED) {
            sum = DoubleLanes.dot(x, p, q, len);
            i = DoubleLanes.bound(len);
        }
        for (; i < len; i++) {
            sum += x[p + i] * x[q + i];
        }
        return sum;
    }

    /** {@code x_p <- c x_p - s x_q}, {@code x_q <- s x_p + c x_q}. */
    private static void rotatePair(double[] x, int p, int q, int len, double c, double s) {
        int i = 0;
        if (Vectorization.ENABLED) {
            DoubleLanes.rotate(x, p, q, len, c, s);
            i = DoubleLanes.bound(len);
        }
        for (; i < len; i++) {
            double a = x[p + i];
            double b = x[q + i];
            x[p + i] = c * a - s * b;
            x[q + i] = s * a + c * b;
        }
    }

    /**
     * Fills the rows flagged {@code missing} of {@code z} ({@code count} rows of length {@code len}; the others
     * orthonormal) with unit vectors orthogonalized twice against every row present, taking the first whose
     * remainder has norm above 1/2, so that the rows form an orthonormal set.
     */
    static void complete(double[] z, int count, int len, boolean[] missing) {
        boolean[] present = new boolean[count];
        for (int j = 0; j < count; j++) {
            present[j] = !missing[j];
        }
        double[] x = new double[len];
        for (int j = 0; j < count; j++) {
            if (present[j]) {
                continue;
            }
            for (int c = 0; c < len; c++) {
                java.util.Arrays.fill(x, 0.0);
                x[c] = 1;
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = 0; i < count; i++) {
                        if (present[i]) {
                            double dot = 0;
                            for (int e = 0; e < len; e++) {
                                dot += z[i * len + e] * x[e];
                            }
                            for (int e = 0; e < len; e++) {
                                x[e] -= dot * z[i * len + e];
                            }
                        }
                    }
                }
                double norm = EighKernel.norm(x, 0, len);
                if (norm > 0.5) {
                    for (int e = 0; e < len; e++) {
                        z[j * len + e] = x[e] / norm;
                    }
                    present[j] = true;
                    break;
                }
            }
        }
    }

    private static boolean finite(double[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (!Double.isFinite(a[off + i])) {
                return false;
            }
        }
        return true;
    }

    private static double[] identity(int k) {
        double[] r = new double[k * k];
        for (int i = 0; i < k; i++) {
            r[i * k + i] = 1;
        }
        return r;
    }

    private static void scale(double[] x, int from, int len, double f) {
        for (int i = 0; i < len; i++) {
            x[from + i] *= f;
        }
    }
}

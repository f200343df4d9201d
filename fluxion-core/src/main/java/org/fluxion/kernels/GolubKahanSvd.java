package org.fluxion.kernels;

/**
 * The SVD of a dense matrix the way LAPACK's {@code gesvd} does it (Golub and Kahan, 1965; Golub and Reinsch,
 * 1970): the tall orientation W of A ({@code rows x k}, A or A^T) is reduced to bidiagonal form
 * {@code W = Q B P^T} ({@link Bidiagonalization}), B is diagonalized by implicit QR sweeps,
 * {@code B = U_B diag(s) V_B^T} ({@link BidiagonalQr}), and the singular vectors of W are {@code Q U_B} and
 * {@code P V_B}, the reflectors applied to {@code U_B} and {@code V_B} in blocks (two GEMMs each). Same
 * contract and conventions as {@link SvdKernel#svd}, which calls it for finite matrices past its Jacobi size;
 * the vectors are orthonormal by construction, for zero singular values and the full factorization alike.
 */
final class GolubKahanSvd {
    private GolubKahanSvd() {
    }

    /** See {@link SvdKernel#svd}. */
    static int svd(double[] a, int off, int m, int n, double[] s, int sOff, double[] u, int uOff, int uCols,
                   double[] vh, int vhOff, int vhRows) {
        boolean tall = m >= n;
        int k = Math.min(m, n);
        int rows = Math.max(m, n);
        double[] w = new double[rows * k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                w[tall ? i * k + j : j * k + i] = a[off + i * n + j];
            }
        }
        double[] d = new double[k];
        double[] e = new double[Math.max(1, k - 1)];
        double[] tauq = new double[k];
        double[] taup = new double[k];
        Bidiagonalization.reduce(w, rows, k, d, e, tauq, taup);
        boolean vectors = u != null || vh != null;
        double[] ut = vectors ? identity(k) : null;
        double[] vt = vectors ? identity(k) : null;
        int info = BidiagonalQr.diagonalize(d, e, k, vt, ut);
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        for (int j = 0; j < k; j++) {
            s[sOff + j] = d[order[j]];
        }
        if (!vectors) {
            return info;
        }
        // Left vectors of W, [rows, leftCols] (k, or rows for the full factorization): Q [U_B 0; 0 I].
        int leftCols = tall ? (u == null ? k : uCols) : (vh == null ? k : vhRows);
        double[] left = new double[rows * leftCols];
        double[] right = new double[k * k]; // right vectors of W: P V_B
        for (int j = 0; j < k; j++) {
            int src = order[j] * k;
            for (int i = 0; i < k; i++) {
                left[i * leftCols + j] = ut[src + i];
                right[i * k + j] = vt[src + i];
            }
        }
        for (int j = k; j < leftCols; j++) {
            left[j * leftCols + j] = 1;
        }
        Bidiagonalization.applyQ(w, rows, k, tauq, left, leftCols);
        Bidiagonalization.applyP(w, k, taup, right, k);
        // Each column of U with its largest entry positive: U is the left factor when tall, the right one otherwise.
        for (int j = 0; j < leftCols; j++) {
            double sign = tall || j >= k ? SignConvention.ofLargest(left, j, leftCols, rows)
                    : SignConvention.ofLargest(right, j, k, k);
            if (sign < 0) {
                negateColumn(left, j, leftCols, rows);
                if (j < k) {
                    negateColumn(right, j, k, k);
                }
            }
        }
        double[] uFactor = tall ? left : right;
        int uStride = tall ? leftCols : k;
        double[] vFactor = tall ? right : left;
        int vStride = tall ? k : leftCols;
        if (u != null) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(uFactor, i * uStride, u, uOff + i * uCols, uCols);
            }
        }
        if (vh != null) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < vhRows; j++) {
                    vh[vhOff + j * n + i] = vFactor[i * vStride + j];
                }
            }
        }
        return info;
    }

    private static void negateColumn(double[] x, int j, int stride, int rows) {
        for (int i = 0; i < rows; i++) {
            x[i * stride + j] = -x[i * stride + j];
        }
    }

    private static double[] identity(int k) {
        double[] r = new double[k * k];
        for (int i = 0; i < k; i++) {
            r[i * k + i] = 1;
        }
        return r;
    }
}

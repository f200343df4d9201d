package org.fluxion.kernels;

/**
 * Cholesky factorization {@code A = L L^T} of a dense row-major {@code n x n} symmetric positive definite
 * matrix, in place (LAPACK {@code potrf}, lower): only the lower triangle of A is read, L overwrites it and
 * the strict upper triangle is set to zero.
 *
 * <p>Left-looking and blocked by {@link #BLOCK} columns: a block column first subtracts, with one GEMM, the
 * contribution of the columns before it ({@code A[k:, K] -= L[k:, :k] L[K, :k]^T}), then its diagonal block
 * is factored by dot products and the rows below it solved against that block's transpose.
 */
public final class CholeskyKernel {
    static final int BLOCK = 48;

    private CholeskyKernel() {
    }

    /**
     * Factors {@code a[off .. off + n*n)} in place.
     *
     * @return 0, or {@code k + 1} when the leading minor of order {@code k + 1} is not positive definite (the
     *         pivot {@code A[k,k] - sum_j L[k,j]^2} is not positive, or NaN); the contents are then partial
     */
    public static int factor(double[] a, int off, int n) {
        KernelChecks.range("cholesky", "a", a.length, off, n * n);
        double[] t = new double[Math.max(0, n * Math.min(n, BLOCK))];
        for (int k = 0; k < n; k += BLOCK) {
            int nb = Math.min(BLOCK, n - k);
            int rows = n - k;
            if (k > 0) {
                // T = L[k:, :k] L[k:k+nb, :k]^T, then A[k:, k:k+nb] -= T.
                Gemm.dgemm(false, true, rows, nb, k, a, off + k * n, n, a, off + k * n, n, t, 0, nb, false);
                for (int r = 0; r < rows; r++) {
                    int ar = off + (k + r) * n + k;
                    for (int c = 0; c < Math.min(nb, r + 1); c++) {
                        a[ar + c] -= t[r * nb + c];
                    }
                }
            }
            // The diagonal block, by dot products over the block's own columns.
            for (int i = k; i < k + nb; i++) {
                int ri = off + i * n;
                for (int j = k; j <= i; j++) {
                    int rj = off + j * n;
                    double s = a[ri + j];
                    for (int p = k; p < j; p++) {
                        s -= a[ri + p] * a[rj + p];
                    }
                    if (j < i) {
                        a[ri + j] = s / a[rj + j];
                    } else if (s > 0) {
                        a[ri + i] = Math.sqrt(s);
                    } else {
                        return i + 1; // not positive (or NaN): A is not positive definite
                    }
                }
            }
            // Rows below: x L_KK^T = a, i.e. x_j = (a_j - sum_{p<j} x_p L[j,p]) / L[j,j], row by row.
            for (int i = k + nb; i < n; i++) {
                int ri = off + i * n;
                for (int j = k; j < k + nb; j++) {
                    int rj = off + j * n;
                    double s = a[ri + j];
                    for (int p = k; p < j; p++) {
                        s -= a[ri + p] * a[rj + p];
                    }
                    a[ri + j] = s / a[rj + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, off + i * n + i + 1, off + (i + 1) * n, 0.0);
        }
        return 0;
    }
}

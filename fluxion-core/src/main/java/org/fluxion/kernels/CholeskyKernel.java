package org.fluxion.kernels;

/**
 * Cholesky factorization {@code A = L L^T} of a dense row-major {@code n x n} symmetric positive definite
 * matrix, in place (LAPACK {@code potrf}, lower): only the lower triangle of A is read, L overwrites it and
 * the strict upper triangle is set to zero.
 *
 * <p>Recursive, as LAPACK's {@code potrf2}: with A split into halves, {@code L11 = chol(A11)}, then
 * {@code L21 = A21 L11^-T} (a triangular solve, {@link TriangularKernel}, on a transposed copy:
 * {@code L11 L21^T = A21^T}), then {@code A22 -= L21 L21^T} (GEMMs over the lower part, in two row blocks so
 * that only a quarter of the block above the diagonal is computed and discarded), then
 * {@code L22 = chol(A22)}. Blocks of at most {@link #LEAF} columns are factored by dot products.
 */
public final class CholeskyKernel {
    /** Order of the diagonal blocks factored by dot products. */
    static final int LEAF = 16;

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
        double[] t = new double[(n / 2) * (n - n / 2)];
        int info = factor(a, off, n, 0, n, t);
        if (info != 0) {
            return info;
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, off + i * n + i + 1, off + (i + 1) * n, 0.0);
        }
        return 0;
    }

    /** Factors the diagonal block of rows and columns {@code [c0, c0 + w)}; {@code t} holds the transposes. */
    private static int factor(double[] a, int off, int n, int c0, int w, double[] t) {
        if (w <= LEAF) {
            return leaf(a, off, n, c0, w);
        }
        int w1 = w / 2;
        int w2 = w - w1;
        int c1 = c0 + w1;
        int info = factor(a, off, n, c0, w1, t);
        if (info != 0) {
            return info;
        }
        // L21 = A21 L11^-T, solved as L11 L21^T = A21^T in the buffer [w1, w2].
        for (int i = 0; i < w2; i++) {
            int src = off + (c1 + i) * n + c0;
            for (int j = 0; j < w1; j++) {
                t[j * w2 + i] = a[src + j];
            }
        }
        TriangularKernel.solve(a, off + c0 * n + c0, n, w1, true, false, false, t, 0, w2, w2);
        for (int i = 0; i < w2; i++) {
            int dst = off + (c1 + i) * n + c0;
            for (int j = 0; j < w1; j++) {
                a[dst + j] = t[j * w2 + i];
            }
        }
        // A22 -= L21 L21^T on and below the diagonal: the top rows up to their last column, the rest whole.
        int h = w2 / 2;
        int l21 = off + c1 * n + c0;
        Gemm.dgemmSubtract(false, true, h, h, w1, a, l21, n, a, l21, n, a, off + c1 * n + c1, n);
        Gemm.dgemmSubtract(false, true, w2 - h, w2, w1, a, l21 + h * n, n, a, l21, n, a, off + (c1 + h) * n + c1,
                n);
        return factor(a, off, n, c1, w2, t);
    }

    /** Unblocked Cholesky of a small diagonal block by dot products over its own columns. */
    private static int leaf(double[] a, int off, int n, int c0, int w) {
        for (int i = c0; i < c0 + w; i++) {
            int ri = off + i * n;
            for (int j = c0; j <= i; j++) {
                int rj = off + j * n;
                double s = a[ri + j];
                for (int p = c0; p < j; p++) {
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
        return 0;
    }
}

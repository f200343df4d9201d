package org.fluxion.kernels;

/**
 * General matrix multiplication on row-major arrays: {@code C = A·B} or {@code C += A·B}.
 *
 * <p>Shapes: A is {@code [m, k]} (or {@code [k, m]} stored when {@code transA}), B is {@code [k, n]}
 * (or {@code [n, k]} when {@code transB}), C is {@code [m, n]}. {@code lda}, {@code ldb}, {@code ldc}
 * are the row strides (leading dimensions) of the arrays as stored.
 */
public final class Gemm {
    private Gemm() {
    }

    /** Single-precision GEMM. When {@code accumulate} is false C is overwritten, else added to. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** Double-precision GEMM, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda,
                             double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }
}

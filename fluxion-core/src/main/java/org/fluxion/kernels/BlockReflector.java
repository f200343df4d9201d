package org.fluxion.kernels;

/**
 * The product of {@code nb} consecutive Householder reflectors in compact WY form (LAPACK's {@code larft} and
 * {@code larfb}): {@code H_j0 H_(j0+1) ... H_(j0+nb-1) = I - V T V^T}, V the {@code [rows, nb]} unit lower
 * trapezoidal matrix of the reflectors' vectors, T {@code [nb, nb]} upper triangular, built column by column
 * as {@code T[i, i] = tau_i}, {@code T[:i, i] = -tau_i T[:i, :i] V[:, :i]^T v_i}. Applying it to a block of
 * rows is two GEMMs and a small triangular product.
 */
final class BlockReflector {
    private final int rows;
    private final int nb;
    /** V, row-major {@code [rows, nb]}, explicit ones on the diagonal and zeros above. */
    private final double[] v;
    /** T, row-major {@code [nb, nb]}, upper triangular. */
    private final double[] t;

    private BlockReflector(int rows, int nb, double[] v, double[] t) {
        this.rows = rows;
        this.nb = nb;
        this.v = v;
        this.t = t;
    }

    /** The reflectors {@code j0 .. j0 + nb - 1} stored by {@link QrKernel#factor} in {@code a} (row-major m x n). */
    static BlockReflector of(double[] a, int off, int m, int n, int j0, int nb, double[] tau, int tauOff) {
        int rows = m - j0;
        double[] v = new double[rows * nb];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < nb && c <= i; c++) {
                v[i * nb + c] = i == c ? 1 : a[off + (j0 + i) * n + j0 + c];
            }
        }
        double[] t = new double[nb * nb];
        double[] w = new double[nb];
        for (int i = 0; i < nb; i++) {
            double ti = tau[tauOff + j0 + i];
            t[i * nb + i] = ti;
            if (i == 0 || ti == 0) {
                continue;
            }
            java.util.Arrays.fill(w, 0, i, 0.0);
            for (int r = i; r < rows; r++) { // v_i is zero above row i
                double vi = v[r * nb + i];
                for (int p = 0; p < i; p++) {
                    w[p] += v[r * nb + p] * vi;
                }
            }
            for (int p = 0; p < i; p++) {
                double s = 0;
                for (int q = p; q < i; q++) {
                    s += t[p * nb + q] * w[q];
                }
                t[p * nb + i] = -ti * s;
            }
        }
        return new BlockReflector(rows, nb, v, t);
    }

    /** {@code C <- (I - V T^T V^T) C}: the reflectors' transposed product, as the factorization applies them. */
    void applyTransposed(double[] c, int cOff, int ldc, int cols) {
        apply(c, cOff, ldc, cols, true);
    }

    /** {@code C <- (I - V T V^T) C}, for C the {@code [rows, cols]} block at {@code c[cOff..]}, row stride ldc. */
    void apply(double[] c, int cOff, int ldc, int cols) {
        apply(c, cOff, ldc, cols, false);
    }

    private void apply(double[] c, int cOff, int ldc, int cols, boolean transposeT) {
        if (cols == 0) {
            return;
        }
        double[] w = new double[nb * cols];
        Gemm.dgemm(true, false, nb, cols, rows, v, 0, nb, c, cOff, ldc, w, 0, cols, false); // V^T C
        double[] tw = new double[nb * cols];
        for (int i = 0; i < nb; i++) { // T W or T^T W, T upper triangular
            for (int p = transposeT ? 0 : i; p < (transposeT ? i + 1 : nb); p++) {
                double f = transposeT ? t[p * nb + i] : t[i * nb + p];
                if (f != 0) {
                    for (int col = 0; col < cols; col++) {
                        tw[i * cols + col] += f * w[p * cols + col];
                    }
                }
            }
        }
        double[] negV = new double[rows * nb];
        for (int i = 0; i < negV.length; i++) {
            negV[i] = -v[i];
        }
        Gemm.dgemm(false, false, rows, cols, nb, negV, 0, nb, tw, 0, cols, c, cOff, ldc, true); // C -= V (T W)
    }
}

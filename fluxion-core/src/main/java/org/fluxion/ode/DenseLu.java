package org.fluxion.ode;

/**
 * LU factorization with partial pivoting of a small dense {@code n x n} matrix, row-major, in place — the
 * stiff solvers' private kernel for their inner loop (one factorization per step attempt, one solve per
 * stage), allocation-free. General linear algebra with derivative rules is the linear-algebra issue's
 * (branch t13-linalg); this kernel stays private to the solvers on purpose: it works on the solver's own
 * {@code double[]} buffers and is not differentiated.
 */
final class DenseLu {
    private DenseLu() {
    }

    /**
     * Factors {@code a} into {@code P A = L U} in place (unit-diagonal L below, U on and above the diagonal),
     * the row permutation in {@code pivot}.
     *
     * @return false when a pivot is zero or not finite (the matrix is singular to working precision)
     */
    static boolean factor(double[] a, int n, int[] pivot) {
        for (int k = 0; k < n; k++) {
            int p = k;
            double max = Math.abs(a[k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(a[i * n + k]);
                if (v > max) {
                    max = v;
                    p = i;
                }
            }
            pivot[k] = p;
            if (!(max > 0) || !Double.isFinite(max)) {
                return false;
            }
            if (p != k) {
                int rk = k * n;
                int rp = p * n;
                for (int j = 0; j < n; j++) {
                    double tmp = a[rk + j];
                    a[rk + j] = a[rp + j];
                    a[rp + j] = tmp;
                }
            }
            double inv = 1.0 / a[k * n + k];
            for (int i = k + 1; i < n; i++) {
                int ri = i * n;
                double l = a[ri + k] * inv;
                a[ri + k] = l;
                if (l != 0) {
                    int rk = k * n;
                    for (int j = k + 1; j < n; j++) {
                        a[ri + j] -= l * a[rk + j];
                    }
                }
            }
        }
        return true;
    }

    /** Solves {@code A x = b} with the factors of {@link #factor}, overwriting {@code b} with {@code x}. */
    static void solve(double[] lu, int n, int[] pivot, double[] b) {
        for (int k = 0; k < n; k++) {
            int p = pivot[k];
            if (p != k) {
                double tmp = b[k];
                b[k] = b[p];
                b[p] = tmp;
            }
        }
        for (int i = 1; i < n; i++) {
            double sum = b[i];
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                sum -= lu[ri + j] * b[j];
            }
            b[i] = sum;
        }
        for (int i = n - 1; i >= 0; i--) {
            double sum = b[i];
            int ri = i * n;
            for (int j = i + 1; j < n; j++) {
                sum -= lu[ri + j] * b[j];
            }
            b[i] = sum / lu[ri + i];
        }
    }
}

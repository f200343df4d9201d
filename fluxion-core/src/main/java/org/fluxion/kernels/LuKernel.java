package org.fluxion.kernels;

/**
 * LU factorization with partial pivoting of a dense row-major {@code n x n} matrix, in place (LAPACK's
 * {@code getrf}): {@code P A = L U}, L unit lower triangular (stored below the diagonal), U upper triangular
 * (on and above it). {@code pivots[k] = p} means that row {@code k} was swapped with row {@code p >= k} at
 * step {@code k}; the swaps are applied to whole rows in order.
 *
 * <p>Right-looking and blocked: a panel of {@link #BLOCK} columns is factored with rank-1 updates, the
 * block row to its right is solved with the panel's unit lower triangle, and the trailing matrix gets one
 * GEMM update {@code A22 -= L21 U12}, where the flops are. The pivot of each column is its entry of
 * largest magnitude (the first one on ties), as LAPACK's {@code idamax}.
 */
public final class LuKernel {
    /** Panel width: the GEMM update has inner dimension BLOCK. */
    static final int BLOCK = 48;

    private LuKernel() {
    }

    /**
     * Factors {@code a[off .. off + n*n)} in place and writes the {@code n} pivots at {@code pivots[pivOff..]}.
     *
     * @return 0, or {@code k + 1} for the first {@code k} with {@code U[k, k]} exactly zero (LAPACK's
     *         {@code info}); the factorization is then complete but U is singular
     */
    public static int factor(double[] a, int off, int n, int[] pivots, int pivOff) {
        KernelChecks.range("lu", "a", a.length, off, n * n);
        int info = 0;
        double[] negL = new double[Math.max(0, (n - Math.min(n, BLOCK)) * BLOCK)];
        for (int k = 0; k < n; k += BLOCK) {
            int nb = Math.min(BLOCK, n - k);
            int panelInfo = panel(a, off, n, k, nb, pivots, pivOff);
            if (info == 0 && panelInfo != 0) {
                info = panelInfo;
            }
            int rest = n - k - nb;
            if (rest == 0) {
                continue;
            }
            // U12 = L11^-1 A12: forward substitution on the block row right of the panel.
            for (int i = k + 1; i < k + nb; i++) {
                int ri = off + i * n + k + nb;
                for (int j = k; j < i; j++) {
                    double l = a[off + i * n + j];
                    if (l != 0) {
                        int rj = off + j * n + k + nb;
                        for (int c = 0; c < rest; c++) {
                            a[ri + c] -= l * a[rj + c];
                        }
                    }
                }
            }
            // A22 -= L21 U12, as A22 += (-L21) U12 with a negated copy of L21 [rest, nb].
            for (int i = 0; i < rest; i++) {
                int src = off + (k + nb + i) * n + k;
                for (int j = 0; j < nb; j++) {
                    negL[i * nb + j] = -a[src + j];
                }
            }
            Gemm.dgemm(false, false, rest, rest, nb, negL, 0, nb, a, off + k * n + k + nb, n,
                    a, off + (k + nb) * n + k + nb, n, true);
        }
        return info;
    }

    /**
     * Unblocked LU of columns {@code [k, k + nb)}, rows {@code [k, n)}: pivot search, whole-row swap,
     * scaling of the column below the pivot, rank-1 update of the rest of the panel.
     */
    private static int panel(double[] a, int off, int n, int k, int nb, int[] pivots, int pivOff) {
        int info = 0;
        for (int j = k; j < k + nb; j++) {
            int p = j;
            double best = Math.abs(a[off + j * n + j]);
            for (int i = j + 1; i < n; i++) {
                double v = Math.abs(a[off + i * n + j]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            pivots[pivOff + j] = p;
            if (p != j) {
                swapRows(a, off, n, j, p);
            }
            double pivot = a[off + j * n + j];
            if (pivot == 0) {
                if (info == 0) {
                    info = j + 1; // the column below is all zero: nothing to eliminate (LAPACK continues)
                }
                continue;
            }
            double inv = 1 / pivot;
            int end = k + nb;
            for (int i = j + 1; i < n; i++) {
                int ri = off + i * n;
                double l = a[ri + j] *= inv;
                if (l != 0) {
                    int rj = off + j * n;
                    for (int c = j + 1; c < end; c++) {
                        a[ri + c] -= l * a[rj + c];
                    }
                }
            }
        }
        return info;
    }

    private static void swapRows(double[] a, int off, int n, int r, int s) {
        int pr = off + r * n;
        int ps = off + s * n;
        for (int c = 0; c < n; c++) {
            double t = a[pr + c];
            a[pr + c] = a[ps + c];
            a[ps + c] = t;
        }
    }

    /**
     * Solves {@code A X = B} in place in {@code b} ({@code [n, m]} row-major) from the factors of
     * {@link #factor}: the pivots applied to B's rows, then {@code L Y = P B} and {@code U X = Y}.
     */
    public static void solve(double[] lu, int luOff, int[] pivots, int pivOff, int n, double[] b, int bOff, int m) {
        for (int k = 0; k < n; k++) {
            int p = pivots[pivOff + k];
            if (p != k) {
                int pr = bOff + k * m;
                int ps = bOff + p * m;
                for (int c = 0; c < m; c++) {
                    double t = b[pr + c];
                    b[pr + c] = b[ps + c];
                    b[ps + c] = t;
                }
            }
        }
        TriangularKernel.solve(lu, luOff, n, true, false, true, b, bOff, m);
        TriangularKernel.solve(lu, luOff, n, false, false, false, b, bOff, m);
    }

    /** {@code det(A)} from the factors: the product of U's diagonal, negated once per actual row swap. */
    public static double determinant(double[] lu, int luOff, int[] pivots, int pivOff, int n) {
        double d = 1;
        for (int k = 0; k < n; k++) {
            d *= lu[luOff + k * n + k];
            if (pivots[pivOff + k] != k) {
                d = -d;
            }
        }
        return d == 0 ? 0.0 : d; // no -0.0 for a singular matrix
    }

    /**
     * {@code sign(det A)} and {@code log|det A|} from the factors, into {@code out[0]} and {@code out[1]}: the
     * log of the product as a sum of logs, so that it neither overflows nor underflows. A singular matrix
     * gives sign 0 and log -infinity, as NumPy's {@code slogdet}.
     */
    public static void logDeterminant(double[] lu, int luOff, int[] pivots, int pivOff, int n, double[] out) {
        double sign = 1;
        double log = 0;
        for (int k = 0; k < n; k++) {
            double u = lu[luOff + k * n + k];
            if (u < 0) {
                sign = -sign;
            }
            if (pivots[pivOff + k] != k) {
                sign = -sign;
            }
            log += Math.log(Math.abs(u));
        }
        boolean singular = log == Double.NEGATIVE_INFINITY;
        out[0] = singular ? 0 : sign;
        out[1] = log;
    }
}

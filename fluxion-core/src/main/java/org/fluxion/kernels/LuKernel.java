package org.fluxion.kernels;

/**
 * LU factorization with partial pivoting of a dense row-major {@code n x n} matrix, in place (LAPACK's
 * {@code getrf}): {@code P A = L U}, L unit lower triangular (stored below the diagonal), U upper triangular
 * (on and above it). {@code pivots[k] = p} means that row {@code k} was swapped with row {@code p >= k} at
 * step {@code k}; the swaps are applied to whole rows in order.
 *
 * <p>Recursive, as LAPACK's {@code getrf2} (Toledo 1997): the columns of a panel (all rows from its diagonal
 * down) are split in half; the left half is factored, its row swaps are applied to the right half, the right
 * half's top block is solved with the left half's unit lower triangle ({@link TriangularKernel}), the rest of
 * the right half gets one GEMM update {@code A22 -= L21 U12}, and it is factored in turn, its swaps then
 * applied back to the left half. Nearly all flops land in GEMMs of every size, with no tuned panel width;
 * panels of at most {@link #LEAF} columns run rank-1 updates. The pivot of each column is its entry of
 * largest magnitude (the first one on ties), as LAPACK's {@code idamax}.
 */
public final class LuKernel {
    /** Panel width below which columns are eliminated one by one. */
    static final int LEAF = 8;

    /** The width of {@link LuPanelVector}'s panel, or 0 without the Vector API. */
    private static final int VECTOR_LEAF = Vectorization.ENABLED ? LuPanelVector.WIDTH : 0;

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
        double[] work = new double[VECTOR_LEAF * n]; // LuPanelVector's copy of its panel
        return panel(a, off, n, 0, n, pivots, pivOff, work);
    }

    /**
     * Factors the panel of columns {@code [c0, c0 + w)} and rows {@code [c0, n)}, applying its row swaps to
     * those columns only; returns its first zero pivot as {@link #factor} does, 0 if none.
     */
    private static int panel(double[] a, int off, int n, int c0, int w, int[] pivots, int pivOff, double[] work) {
        if (VECTOR_LEAF > 0 && w == VECTOR_LEAF) {
            return LuPanelVector.leaf(a, off, n, c0, pivots, pivOff, work);
        }
        if (w <= LEAF && (w < VECTOR_LEAF || VECTOR_LEAF == 0)) {
            return leaf(a, off, n, c0, w, pivots, pivOff);
        }
        int w1 = VECTOR_LEAF > 0 && w > VECTOR_LEAF && w <= 2 * VECTOR_LEAF ? VECTOR_LEAF : w / 2;
        int w2 = w - w1;
        int c1 = c0 + w1;
        int info = panel(a, off, n, c0, w1, pivots, pivOff, work);
        swapRows(a, off, n, pivots, pivOff, c0, c1, c1, c0 + w);
        // U12 = L11^-1 A12, then A22 -= L21 U12.
        TriangularKernel.solve(a, off + c0 * n + c0, n, w1, true, false, true, a, off + c0 * n + c1, n, w2);
        Gemm.dgemmSubtract(false, false, n - c1, w2, w1, a, off + c1 * n + c0, n, a, off + c0 * n + c1, n,
                a, off + c1 * n + c1, n);
        int right = panel(a, off, n, c1, w2, pivots, pivOff, work);
        swapRows(a, off, n, pivots, pivOff, c1, c0 + w, c0, c1);
        return info != 0 ? info : right;
    }

    /**
     * Unblocked LU of a narrow panel in place, the scalar path (without the Vector API, and for the odd widths
     * left over next to {@link LuPanelVector}'s): pivot search, swap within the panel, scaling of the column
     * below the pivot, rank-1 update of the rest of the panel.
     */
    private static int leaf(double[] a, int off, int n, int c0, int w, int[] pivots, int pivOff) {
        int info = 0;
        int end = c0 + w;
        for (int j = c0; j < end; j++) {
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
            swapRows(a, off, n, pivots, pivOff, j, j + 1, c0, end);
            int rj = off + j * n;
            double pivot = a[rj + j];
            if (pivot == 0) {
                if (info == 0) {
                    info = j + 1; // the column below is all zero: nothing to eliminate (LAPACK continues)
                }
                continue;
            }
            double inv = 1 / pivot;
            for (int i = j + 1; i < n; i++) {
                int ri = off + i * n;
                double l = a[ri + j] *= inv;
                if (l != 0) {
                    for (int c = j + 1; c < end; c++) {
                        a[ri + c] -= l * a[rj + c];
                    }
                }
            }
        }
        return info;
    }

    /** Applies the swaps recorded for rows {@code [r0, r1)}, in order, to columns {@code [c0, c1)}. */
    private static void swapRows(double[] a, int off, int n, int[] pivots, int pivOff, int r0, int r1,
                                 int c0, int c1) {
        for (int r = r0; r < r1; r++) {
            int s = pivots[pivOff + r];
            if (s == r) {
                continue;
            }
            int pr = off + r * n;
            int ps = off + s * n;
            for (int c = c0; c < c1; c++) {
                double t = a[pr + c];
                a[pr + c] = a[ps + c];
                a[ps + c] = t;
            }
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

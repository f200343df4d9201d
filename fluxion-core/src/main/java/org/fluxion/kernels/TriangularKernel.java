package org.fluxion.kernels;

/**
 * Triangular solve with several right-hand sides, in place (BLAS {@code trsm}, left side): {@code op(A) X = B}
 * for a row-major {@code n x n} A of which only the named triangle is read, {@code op(A) = A} or {@code A^T},
 * and a row-major {@code [n, m]} B that X overwrites. With {@code unitDiagonal} the diagonal is taken as ones
 * and not read. A right-side solve {@code X op(A) = B} is the left-side solve of the transposed system, which
 * the caller sets up.
 *
 * <p>Blocked by rows: each block of {@link #BLOCK} rows first subtracts, with one GEMM, what the rows solved
 * before it contribute, then runs substitution within the block. Division by a zero diagonal gives
 * infinities or NaN, as BLAS does; callers check the diagonal when they need to.
 */
public final class TriangularKernel {
    static final int BLOCK = 64;

    private TriangularKernel() {
    }

    /**
     * Solves {@code op(A) X = B}; {@code lower} names the triangle of A that is read, {@code transA} chooses
     * {@code op(A) = A^T} (then the system is upper triangular when A is lower, and the other way round).
     */
    public static void solve(double[] a, int aOff, int n, boolean lower, boolean transA, boolean unitDiagonal,
                             double[] b, int bOff, int m) {
        KernelChecks.range("triangular solve", "a", a.length, aOff, n * n);
        KernelChecks.range("triangular solve", "b", b.length, bOff, n * m);
        if (n == 0 || m == 0) {
            return;
        }
        boolean forward = lower != transA; // op(A) lower triangular: the first row is solved first
        double[] t = new double[Math.min(n, BLOCK) * m];
        int blocks = (n + BLOCK - 1) / BLOCK;
        for (int q = 0; q < blocks; q++) {
            int i0 = forward ? q * BLOCK : (blocks - 1 - q) * BLOCK;
            int i1 = Math.min(n, i0 + BLOCK);
            int j0 = forward ? 0 : i1; // the rows already solved
            int j1 = forward ? i0 : n;
            if (j1 > j0) {
                int rows = i1 - i0;
                int aSub = transA ? aOff + j0 * n + i0 : aOff + i0 * n + j0;
                Gemm.dgemm(transA, false, rows, m, j1 - j0, a, aSub, n, b, bOff + j0 * m, m, t, 0, m, false);
                for (int r = 0; r < rows; r++) {
                    int br = bOff + (i0 + r) * m;
                    for (int c = 0; c < m; c++) {
                        b[br + c] -= t[r * m + c];
                    }
                }
            }
            substitute(a, aOff, n, transA, unitDiagonal, b, bOff, m, i0, i1, forward);
        }
    }

    /** Substitution over rows {@code [i0, i1)}, using only the diagonal block of op(A). */
    private static void substitute(double[] a, int aOff, int n, boolean transA, boolean unitDiagonal,
                                   double[] b, int bOff, int m, int i0, int i1, boolean forward) {
        for (int q = 0; q < i1 - i0; q++) {
            int i = forward ? i0 + q : i1 - 1 - q;
            int bi = bOff + i * m;
            int from = forward ? i0 : i + 1;
            int to = forward ? i : i1;
            for (int j = from; j < to; j++) {
                double coefficient = transA ? a[aOff + j * n + i] : a[aOff + i * n + j];
                if (coefficient != 0) {
                    int bj = bOff + j * m;
                    for (int c = 0; c < m; c++) {
                        b[bi + c] -= coefficient * b[bj + c];
                    }
                }
            }
            if (!unitDiagonal) {
                double d = a[aOff + i * n + i];
                for (int c = 0; c < m; c++) {
                    b[bi + c] /= d;
                }
            }
        }
    }
}

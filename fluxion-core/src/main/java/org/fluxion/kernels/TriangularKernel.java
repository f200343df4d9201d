package org.fluxion.kernels;

/**
 * Triangular solve with several right-hand sides, in place (BLAS {@code trsm}, left side): {@code op(A) X = B}
 * for an {@code n x n} A (row stride {@code lda}) of which only the named triangle is read,
 * {@code op(A) = A} or {@code A^T}, and an {@code [n, m]} B (row stride {@code ldb}) that X overwrites. With
 * {@code unitDiagonal} the diagonal is taken as ones and not read. A right-side solve {@code X op(A) = B} is the
 * left-side solve of the transposed system, which the caller sets up.
 *
 * <p>Recursive, so that almost all flops are GEMM: with op(A) lower triangular split into halves,
 * {@code X1 = A11^-1 B1}, then {@code B2 -= A21 X1} (one {@link Gemm#dgemmSubtract}), then
 * {@code X2 = A22^-1 B2}; blocks of at most {@link #LEAF} rows, and systems with fewer than {@link #NARROW}
 * right-hand sides, run substitution. Division by a zero diagonal
 * gives infinities or NaN, as BLAS does; callers check the diagonal when they need to.
 */
public final class TriangularKernel {
    /** Rows solved by substitution; above this the recursion splits. */
    static final int LEAF = 8;
    /** Fewer right-hand sides than this make GEMM updates no faster than substitution: no recursion. */
    static final int NARROW = 4;

    /** Whether {@link TriangularVector} runs the substitution (with the Vector API). */
    private static final boolean VECTOR = Vectorization.ENABLED;

    private TriangularKernel() {
    }

    /**
     * Solves {@code op(A) X = B} for a contiguous {@code n x n} A and {@code [n, m]} B; {@code lower} names the
     * triangle of A that is read, {@code transA} chooses {@code op(A) = A^T} (then the system is upper
     * triangular when A is lower, and the other way round).
     */
    public static void solve(double[] a, int aOff, int n, boolean lower, boolean transA, boolean unitDiagonal,
                             double[] b, int bOff, int m) {
        solve(a, aOff, n, n, lower, transA, unitDiagonal, b, bOff, m, m);
    }

    /** {@link #solve(double[], int, int, boolean, boolean, boolean, double[], int, int)} on strided blocks. */
    public static void solve(double[] a, int aOff, int lda, int n, boolean lower, boolean transA,
                             boolean unitDiagonal, double[] b, int bOff, int ldb, int m) {
        if (n == 0 || m == 0) {
            return;
        }
        KernelChecks.range("triangular solve", "a", a.length, aOff, (n - 1) * lda + n);
        KernelChecks.range("triangular solve", "b", b.length, bOff, (n - 1) * ldb + m);
        boolean forward = lower != transA; // op(A) lower triangular: the first row is solved first
        recurse(a, aOff, lda, transA, unitDiagonal, forward, b, bOff, ldb, m, 0, n);
    }

    /** Solves rows {@code [i0, i1)} of X, given that op(A)'s rows there only reach solved rows and themselves. */
    private static void recurse(double[] a, int aOff, int lda, boolean transA, boolean unitDiagonal, boolean forward,
                                double[] b, int bOff, int ldb, int m, int i0, int i1) {
        if (i1 - i0 <= LEAF || m < NARROW) {
            substitute(a, aOff, lda, transA, unitDiagonal, b, bOff, ldb, m, i0, i1, forward);
            return;
        }
        int mid = i0 + (i1 - i0) / 2;
        int f0 = forward ? i0 : mid; // the half solved first
        int f1 = forward ? mid : i1;
        int s0 = forward ? mid : i0; // the half that depends on it
        int s1 = forward ? i1 : mid;
        recurse(a, aOff, lda, transA, unitDiagonal, forward, b, bOff, ldb, m, f0, f1);
        // B[s] -= op(A)[s, f] X[f]; op(A)[s, f] is A[s, f], or A[f, s] read transposed.
        int aSub = transA ? aOff + f0 * lda + s0 : aOff + s0 * lda + f0;
        Gemm.dgemmSubtract(transA, false, s1 - s0, m, f1 - f0, a, aSub, lda, b, bOff + f0 * ldb, ldb,
                b, bOff + s0 * ldb, ldb);
        recurse(a, aOff, lda, transA, unitDiagonal, forward, b, bOff, ldb, m, s0, s1);
    }

    /** Substitution over rows {@code [i0, i1)}, using only the diagonal block of op(A). */
    private static void substitute(double[] a, int aOff, int lda, boolean transA, boolean unitDiagonal,
                                   double[] b, int bOff, int ldb, int m, int i0, int i1, boolean forward) {
        if (VECTOR && !transA && m > 1) {
            TriangularVector.substitute(a, aOff, lda, unitDiagonal, b, bOff, ldb, m, i0, i1, forward);
            return;
        }
        for (int q = 0; q < i1 - i0; q++) {
            int i = forward ? i0 + q : i1 - 1 - q;
            int bi = bOff + i * ldb;
            int from = forward ? i0 : i + 1;
            int to = forward ? i : i1;
            if (m == 1 && !transA) {
                // One right-hand side: b_i -= A[i, from..to) . x[from..to), a dot product along A's row, in
                // four partial sums so that the additions do not wait on each other.
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int ai = aOff + i * lda;
                int j = from;
                for (; j + 3 < to; j += 4) {
                    s0 += a[ai + j] * b[bOff + j * ldb];
                    s1 += a[ai + j + 1] * b[bOff + (j + 1) * ldb];
                    s2 += a[ai + j + 2] * b[bOff + (j + 2) * ldb];
                    s3 += a[ai + j + 3] * b[bOff + (j + 3) * ldb];
                }
                for (; j < to; j++) {
                    s0 += a[ai + j] * b[bOff + j * ldb];
                }
                b[bi] -= (s0 + s1) + (s2 + s3);
                if (!unitDiagonal) {
                    b[bi] /= a[ai + i];
                }
                continue;
            }
            for (int j = from; j < to; j++) {
                double coefficient = transA ? a[aOff + j * lda + i] : a[aOff + i * lda + j];
                if (coefficient != 0) {
                    int bj = bOff + j * ldb;
                    for (int c = 0; c < m; c++) {
                        b[bi + c] -= coefficient * b[bj + c];
                    }
                }
            }
            if (!unitDiagonal) {
                double d = a[aOff + i * lda + i];
                for (int c = 0; c < m; c++) {
                    b[bi + c] /= d;
                }
            }
        }
    }
}

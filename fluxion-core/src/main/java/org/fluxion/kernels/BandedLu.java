package org.fluxion.kernels;

/**
 * LU factorization with partial pivoting of a banded {@code n x n} matrix (LAPACK's {@code gbtrf}, unblocked):
 * {@code kl} subdiagonals and {@code ku} superdiagonals, {@code P A = L U} in {@code O(n kl (kl + ku))} flops
 * instead of {@code O(n^3)}. Row swaps make U's upper bandwidth grow to {@code kl + ku}, so the storage has
 * {@link #rows}{@code (kl, ku) = 2 kl + ku + 1} rows per column: entry {@code (i, j)} of the matrix, for
 * {@code -kl - ku <= i - j <= kl}, lives at {@link #index}{@code = j rows + kl + ku + i - j} (LAPACK's band
 * storage, column-major, the first kl rows left for the fill). L's multipliers are kept below the diagonal of
 * each column; {@code pivots[k] = p >= k} means rows k and p were swapped at step k.
 */
public final class BandedLu {
    private BandedLu() {
    }

    /** The storage rows per column: {@code 2 kl + ku + 1}. */
    public static int rows(int kl, int ku) {
        return 2 * kl + ku + 1;
    }

    /** Where entry {@code (i, j)} is stored, for {@code -kl - ku <= i - j <= kl}. */
    public static int index(int i, int j, int kl, int ku) {
        return j * rows(kl, ku) + kl + ku + i - j;
    }

    /**
     * Factors {@code ab} (band storage, the fill rows may hold anything: they are cleared) in place.
     *
     * @return 0, or {@code k + 1} for the first k with {@code U[k, k]} exactly zero (the factorization then
     *         goes on, as LAPACK's does, but U is singular)
     */
    public static int factor(double[] ab, int n, int kl, int ku, int[] pivots) {
        int ld = rows(kl, ku);
        KernelChecks.range("bandedLu", "ab", ab.length, 0, n * ld);
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < kl; r++) {
                ab[j * ld + r] = 0;
            }
        }
        int info = 0;
        int shift = kl + ku;
        for (int k = 0; k < n; k++) {
            int last = Math.min(n - 1, k + kl);
            int p = k;
            double best = Math.abs(ab[k * ld + shift]);
            for (int i = k + 1; i <= last; i++) {
                double v = Math.abs(ab[k * ld + shift + i - k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            pivots[k] = p;
            int lastColumn = Math.min(n - 1, k + kl + ku);
            if (p != k) {
                for (int j = k; j <= lastColumn; j++) {
                    int a = j * ld + shift + k - j;
                    int b = j * ld + shift + p - j;
                    double t = ab[a];
                    ab[a] = ab[b];
                    ab[b] = t;
                }
            }
            double pivot = ab[k * ld + shift];
            if (pivot == 0) {
                if (info == 0) {
                    info = k + 1;
                }
                continue;
            }
            for (int i = k + 1; i <= last; i++) {
                ab[k * ld + shift + i - k] /= pivot;
            }
            for (int j = k + 1; j <= lastColumn; j++) {
                double ukj = ab[j * ld + shift + k - j];
                if (ukj == 0) {
                    continue;
                }
                int column = j * ld + shift - j;
                for (int i = k + 1; i <= last; i++) {
                    ab[column + i] -= ab[k * ld + shift + i - k] * ukj;
                }
            }
        }
        return info;
    }

    /** Solves {@code A x = b} in place from the factors of {@link #factor}. */
    public static void solve(double[] ab, int n, int kl, int ku, int[] pivots, double[] b) {
        int ld = rows(kl, ku);
        int shift = kl + ku;
        for (int k = 0; k < n; k++) {
            int p = pivots[k];
            if (p != k) {
                double t = b[k];
                b[k] = b[p];
                b[p] = t;
            }
            double bk = b[k];
            if (bk != 0) {
                int last = Math.min(n - 1, k + kl);
                for (int i = k + 1; i <= last; i++) {
                    b[i] -= ab[k * ld + shift + i - k] * bk;
                }
            }
        }
        for (int k = n - 1; k >= 0; k--) {
            double bk = b[k] / ab[k * ld + shift];
            b[k] = bk;
            if (bk != 0) {
                int first = Math.max(0, k - kl - ku);
                for (int i = first; i < k; i++) {
                    b[i] -= ab[k * ld + shift + i - k] * bk;
                }
            }
        }
    }
}

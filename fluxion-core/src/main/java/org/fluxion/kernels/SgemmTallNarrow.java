package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m, n] = A[m, k] · B[k, n]} (plus C's old values or a bias row) for a tall C with a handful of columns and
 * a handful of terms: a small network's layers on a batch ({@code [200, 2] x [2, 3]}, seed 003's moons network),
 * where a row of C is a few multiplications and a scalar loop spends its time on loop control and stores.
 *
 * <p>A block of {@code VL} rows of A and C is contiguous ({@code lda = k}, {@code ldc = n}), so C's block is
 * {@code n} vectors: lane l of vector v is {@code C[r, j]} with {@code t = v VL + l}, {@code r = t / n},
 * {@code j = t % n}. Its terms {@code A[r, p] B[p, j]} are a two-vector permute of A's block (the rows vector v
 * needs lie within two vectors of it, which {@link #takes} checks) times a vector of B's entries, both patterns fixed
 * by (n, k). Each lane sums {@code ((A[r,0] B[0,j] + A[r,1] B[1,j]) + ...)}, every product and sum rounded as the
 * scalar loop for the rows past the last whole block rounds them, so every row has the same bits wherever it lies.
 */
final class SgemmTallNarrow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** The widest C and the deepest A it takes. */
    static final int MAX_N = 4;
    static final int MAX_K = 4;

    /**
     * Per (n, k): the first row of A's block that vector v reads, and the lane indices of each term's permute of the
     * two vectors there, {@code select[(v k + p) VL + l]} (kept as floats, loaded as vectors: a vector kept in an
     * object is boxed).
     */
    private record Pattern(int[] firstRow, float[] select) {
    }

    /** Patterns by {@code (n - 1) * MAX_K + (k - 1)}; null where the rows of a vector span more than two vectors. */
    private static final Pattern[] PATTERNS = new Pattern[MAX_N * MAX_K];

    static {
        for (int n = 1; n <= MAX_N; n++) {
            for (int k = 1; k <= MAX_K; k++) {
                PATTERNS[(n - 1) * MAX_K + k - 1] = pattern(n, k);
            }
        }
    }

    private SgemmTallNarrow() {
    }

    private static Pattern pattern(int n, int k) {
        int[] first = new int[n];
        float[] select = new float[n * k * VL];
        for (int v = 0; v < n; v++) {
            int r0 = v * VL / n;
            int r1 = (v * VL + VL - 1) / n;
            if ((r1 - r0 + 1) * k > 2 * VL) {
                return null;
            }
            first[v] = r0;
            for (int p = 0; p < k; p++) {
                for (int l = 0; l < VL; l++) {
                    select[(v * k + p) * VL + l] = ((v * VL + l) / n - r0) * k + p;
                }
            }
        }
        return new Pattern(first, select);
    }

    /** Whether it computes this product: A and C rows contiguous, at least one block of rows, n and k small. */
    static boolean takes(boolean transA, int m, int n, int k, int lda, int ldc) {
        return !transA && n >= 1 && n <= MAX_N && k >= 1 && k <= MAX_K && lda == k && ldc == n && m >= VL
                && PATTERNS[(n - 1) * MAX_K + k - 1] != null;
    }

    /**
     * The product, its rows in blocks of {@code VL} while A's two vectors lie within {@code a}, the rest by the scalar
     * loop of the same order; {@code add} (length n, or null) is added to every row after the sum (a bias), else C's
     * old values when {@code accumulate}. Requires {@link #takes}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, int bp, int bj, float[] add,
                     int addOff, float[] c, int cOff, boolean accumulate) {
        Pattern pat = PATTERNS[(n - 1) * MAX_K + k - 1];
        float[] select = pat.select;
        // B's entries in lane order, as select: lane l of term (v, p) holds B[p, (v VL + l) % n]; likewise the row added.
        float[] coefficient = new float[n * k * VL];
        float[] addend = add == null ? null : new float[n * VL];
        // j = (v VL + l) % n, counted up (a division per lane cost more than the block loop it prepares).
        for (int v = 0, j = 0; v < n; v++) {
            for (int l = 0; l < VL; l++, j = j + 1 == n ? 0 : j + 1) {
                for (int p = 0; p < k; p++) {
                    coefficient[(v * k + p) * VL + l] = b[bOff + p * bp + j * bj];
                }
                if (add != null) {
                    addend[v * VL + l] = add[addOff + j];
                }
            }
        }
        int row = 0;
        // The last block reads A up to its first row of the last vector + two vectors.
        int reach = pat.firstRow[n - 1] * k + 2 * VL;
        for (; row + VL <= m && aOff + row * k + reach <= a.length; row += VL) {
            int aBlock = aOff + row * k;
            int cBlock = cOff + row * n;
            for (int v = 0; v < n; v++) {
                int w = aBlock + pat.firstRow[v] * k;
                FloatVector lo = FloatVector.fromArray(S, a, w);
                FloatVector hi = FloatVector.fromArray(S, a, w + VL);
                int t = v * k * VL;
                FloatVector sum = FloatVector.fromArray(S, select, t).selectFrom(lo, hi)
                        .mul(FloatVector.fromArray(S, coefficient, t));
                for (int p = 1; p < k; p++) {
                    t += VL;
                    sum = sum.add(FloatVector.fromArray(S, select, t).selectFrom(lo, hi)
                            .mul(FloatVector.fromArray(S, coefficient, t)));
                }
                int ci = cBlock + v * VL;
                if (addend != null) {
                    sum = sum.add(FloatVector.fromArray(S, addend, v * VL));
                } else if (accumulate) {
                    sum = sum.add(FloatVector.fromArray(S, c, ci));
                }
                sum.intoArray(c, ci);
            }
        }
        for (; row < m; row++) {
            int ai = aOff + row * k;
            int ci = cOff + row * n;
            for (int j = 0; j < n; j++) {
                float s = a[ai] * b[bOff + j * bj];
                for (int p = 1; p < k; p++) {
                    s += a[ai + p] * b[bOff + p * bp + j * bj];
                }
                c[ci + j] = add != null ? s + add[addOff + j] : accumulate ? s + c[ci + j] : s;
            }
        }
    }
}

package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m, n] (+)= A[m, k] · B[k, n]} for a C of at most four rows and four columns over a long depth: the weight
 * gradient of a small layer on a batch ({@code x^T g}, {@code [2, 200] x [200, 3]}), where A is the batch's transposed
 * inputs, so neither A's rows nor B's columns are contiguous. Vector lanes run over the depth: each step gathers
 * {@code VL} entries of each of A's rows and B's columns and adds their products into {@code m n} lane-wise partial
 * sums; the sums are added lane after lane at the end, then the scalar products of the depth's last {@code k % VL}
 * entries. One order for a given k, compiled or interpreted (not the order of the packed kernels).
 */
final class SgemmDeepTiny {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** The most rows and columns of C. */
    static final int MAX = 4;

    private SgemmDeepTiny() {
    }

    /** Whether it computes this product: C at most {@link #MAX} square and at least one vector of depth. */
    static boolean takes(int m, int n, int k) {
        return m <= MAX && n <= MAX && k >= VL;
    }

    /**
     * The product; A(i, p) is {@code a[aOff + i ai + p ap]}, B(p, j) is {@code b[bOff + p bp + j bj]}, C(i, j) is
     * {@code c[cOff + i ldc + j]}, plus its old value when {@code accumulate}. Requires {@link #takes}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int ai, int ap, float[] b, int bOff, int bp, int bj,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        int[] aStep = new int[VL];
        int[] bStep = new int[VL];
        for (int l = 0; l < VL; l++) {
            aStep[l] = l * ap;
            bStep[l] = l * bp;
        }
        float[] partial = new float[m * n * VL]; // (i, j) -> lanes of sum_p A(i, p) B(p, j)
        float[] columns = new float[n * VL]; // this step's entries of B's columns, gathered once for all rows
        int full = k - k % VL;
        for (int p = 0; p < full; p += VL) {
            for (int j = 0; j < n; j++) {
                (bp == 1 ? FloatVector.fromArray(S, b, bOff + p + j * bj)
                        : FloatVector.fromArray(S, b, bOff + p * bp + j * bj, bStep, 0)).intoArray(columns, j * VL);
            }
            for (int i = 0; i < m; i++) {
                FloatVector ar = ap == 1 ? FloatVector.fromArray(S, a, aOff + i * ai + p)
                        : FloatVector.fromArray(S, a, aOff + i * ai + p * ap, aStep, 0);
                for (int j = 0; j < n; j++) {
                    int t = (i * n + j) * VL;
                    ar.fma(FloatVector.fromArray(S, columns, j * VL), FloatVector.fromArray(S, partial, t))
                            .intoArray(partial, t);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // Lanes added in lane order: reduceLanes(ADD) has no fixed order, and its intrinsic and its Java
                // fallback differ, so the sum would change when C2 compiles the caller.
                int t = (i * n + j) * VL;
                float s = partial[t];
                for (int l = 1; l < VL; l++) {
                    s += partial[t + l];
                }
                for (int p = full; p < k; p++) {
                    s += a[aOff + i * ai + p * ap] * b[bOff + p * bp + j * bj];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? s + c[ci] : s;
            }
        }
    }
}

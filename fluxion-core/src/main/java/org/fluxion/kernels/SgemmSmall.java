package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 products too small for the packed GEMM ({@link Gemm}'s tiny ones, below 4096 multiply-adds), in
 * vector lanes without packing: a batch-1 dense layer {@code [1, d] x [d, h]}, its input cotangent and its
 * weight gradient (an outer product, k = 1). Same contract as {@link Gemm#sgemm}; single-threaded.
 *
 * <ul>
 *   <li>B as stored ({@code B[p, j] = b[bOff + p*ldb + j]}): each row of C is
 *       {@code c_i (+)= sum_p A(i, p) B[p, :]}, VL columns at a time, one FMA per depth step in order of p,
 *       the old C added to the sum.
 *   <li>B stored transposed ({@code B[p, j] = b[bOff + j*ldb + p]}, {@code x W^T}): each element is a dot
 *       product of two rows along the depth, VL lane partials reduced at the end.
 * </ul>
 * The scalar loops these replace were bound by the latency of one add per multiply-add (a dot product of 50
 * took 50 dependent adds). Both orders of summation depend only on the shapes, never on the threads.
 */
final class SgemmSmall {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private SgemmSmall() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        // A(i, p) = a[aOff + i*ai + p*ap]
        int ai = transA ? 1 : lda;
        int ap = transA ? lda : 1;
        if (!transB) {
            rows(m, n, k, a, aOff, ai, ap, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (!transA) {
            dots(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            // A's rows strided: copied once into rows along the depth (m*k < 4096 values).
            dots(m, n, k, SgemmPacking.transpose(k, m, a, aOff, lda, new float[m * k]), 0, k, b, bOff, ldb, c, cOff,
                    ldc, accumulate);
        }
    }

    /** {@code c_i (+)= sum_p A(i, p) B[p, :]}, whole vectors of columns, then the last n % VL columns. */
    private static void rows(int m, int n, int k, float[] a, int aOff, int ai, int ap, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        int full = n - n % VL;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            int ar = aOff + i * ai;
            for (int j = 0; j < full; j += VL) {
                // No vector merged from two paths (C2 would box it): the old C is added after the sum.
                FloatVector acc = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    acc = FloatVector.broadcast(S, a[ar + p * ap]).fma(FloatVector.fromArray(S, b, bOff + p * ldb + j),
                            acc);
                }
                if (accumulate) {
                    acc.add(FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                } else {
                    acc.intoArray(c, ci + j);
                }
            }
            for (int j = full; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[ar + p * ap], b[bOff + p * ldb + j], s);
                }
                c[ci + j] = accumulate ? c[ci + j] + s : s;
            }
        }
    }

    /** {@code C[i, j] (+)= A[i, :] . B[j, :]}: rows of A and of the stored B along the depth. */
    private static void dots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        int full = k - k % VL;
        for (int i = 0; i < m; i++) {
            int ar = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int br = bOff + j * ldb;
                float s = 0f;
                if (full > 0) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int p = 0; p < full; p += VL) {
                        acc = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), acc);
                    }
                    // Lanes added in lane order: reduceLanes(ADD) has no fixed order, and its intrinsic and its
                    // Java fallback differ, so the sum would change when C2 compiles this loop.
                    for (float lane : acc.toArray()) {
                        s += lane;
                    }
                }
                for (int p = full; p < k; p++) {
                    s = Math.fma(a[ar + p], b[br + p], s);
                }
                c[ci + j] = accumulate ? c[ci + j] + s : s;
            }
        }
    }
}

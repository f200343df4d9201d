package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m, n] += A[m, k] · B[n, k]^T} for a small C and a long k, both operands row-major along k,
 * as dot products kept in vector lanes: the result is accumulated as per-lane partial sums
 * {@code part[(i*n + j)*VL + l]}, reduced over the lanes only once at the end ({@link #reduce}).
 *
 * <p>This is the shape of a convolution's weight gradient when the weight is small next to a sample's
 * output (a first layer: {@code dw[O, C*kh*kw] += dy[O, P] · col[C*kh*kw, P]^T} with C*kh*kw = 9 and
 * P = 676): the packed GEMM would pad the 9 columns to a whole register tile, repack both operands for
 * every sample and spend its time on the edges. Here each 4 x 3 block of C reads 7 rows of 16 lanes
 * per 12 FMAs, straight from the operands.
 */
final class SgemmDotNT {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    private static final int BM = 4;
    private static final int BN = 3;

    private SgemmDotNT() {
    }

    /**
     * Adds the lane partials of {@code A[m, k] · B[n, k]^T} into {@code part} (at least
     * {@code m*n*VL} floats from {@code partOff}): A row i at {@code a[aOff + i*lda]}, B row j at
     * {@code b[bOff + j*ldb]}.
     */
    static void accumulate(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] part, int partOff) {
        int kFull = k - k % VL;
        int i = 0;
        for (; i + BM <= m; i += BM) {
            int j = 0;
            for (; j + BN <= n; j += BN) {
                block4x3(kFull, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, part, partOff + (i * n + j) * VL, n);
            }
            for (; j < n; j++) {
                for (int ii = i; ii < i + BM; ii++) {
                    dot(kFull, a, aOff + ii * lda, b, bOff + j * ldb, part, partOff + (ii * n + j) * VL);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                dot(kFull, a, aOff + i * lda, b, bOff + j * ldb, part, partOff + (i * n + j) * VL);
            }
        }
        if (kFull < k) {
            // the last k % VL products, scalar (a few per pair), into lane 0 of the partials
            for (i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ai = aOff + i * lda, bi = bOff + j * ldb;
                    float t = 0;
                    for (int p = kFull; p < k; p++) {
                        t += a[ai + p] * b[bi + p];
                    }
                    part[partOff + (i * n + j) * VL] += t;
                }
            }
        }
    }

    /**
     * {@code c[cOff + i*ldc + j] = sum over lanes of part} (overwrites), for an m x n result. The lanes are added
     * in lane order: {@code reduceLanes(ADD)} has no fixed order, and its intrinsic and its Java fallback differ,
     * so a result would change when C2 compiles the caller (a convolution's weight gradient differed between its
     * first and later runs).
     */
    static void reduce(int m, int n, float[] part, int partOff, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = partOff + (i * n + j) * VL;
                float sum = part[at];
                for (int l = 1; l < VL; l++) {
                    sum += part[at + l];
                }
                c[cOff + i * ldc + j] = sum;
            }
        }
    }

    /** One dot product over {@code [0, kFull)} (whole vectors) added into its partials. */
    private static void dot(int kFull, float[] a, int ai, float[] b, int bi, float[] part, int at) {
        FloatVector acc = FloatVector.fromArray(S, part, at);
        for (int p = 0; p < kFull; p += VL) {
            acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bi + p), acc);
        }
        acc.intoArray(part, at);
    }

    /**
     * Rows i..i+3 of A against rows j..j+2 of B over {@code [0, kFull)}; partials of (i, j) at
     * {@code at}, row stride {@code n*VL}.
     */
    private static void block4x3(int kFull, float[] a, int ai, int lda,
                                 float[] b, int bi, int ldb, float[] part, int at, int n) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        // Whole vectors only, and no vector assigned on two paths: C2 boxes a vector that merges two
        // paths (a masked tail, a branch), and the kernel then runs several times slower.
        for (int p = 0; p < kFull; p += VL) {
            FloatVector a0 = FloatVector.fromArray(S, a, ai + p);
            FloatVector a1 = FloatVector.fromArray(S, a, ai + lda + p);
            FloatVector a2 = FloatVector.fromArray(S, a, ai + 2 * lda + p);
            FloatVector a3 = FloatVector.fromArray(S, a, ai + 3 * lda + p);
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + ldb + p);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * ldb + p);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
        }
        int row = n * VL;
        // Written out, not through a helper taking the vector: C2 stopped inlining such calls after ten of the
        // twelve, and boxed the two vectors it passed (a float[] and an object each, 0.2 GB a Fashion-MNIST CNN epoch).
        FloatVector.fromArray(S, part, at).add(c00).intoArray(part, at);
        FloatVector.fromArray(S, part, at + VL).add(c01).intoArray(part, at + VL);
        FloatVector.fromArray(S, part, at + 2 * VL).add(c02).intoArray(part, at + 2 * VL);
        FloatVector.fromArray(S, part, at + row).add(c10).intoArray(part, at + row);
        FloatVector.fromArray(S, part, at + row + VL).add(c11).intoArray(part, at + row + VL);
        FloatVector.fromArray(S, part, at + row + 2 * VL).add(c12).intoArray(part, at + row + 2 * VL);
        FloatVector.fromArray(S, part, at + 2 * row).add(c20).intoArray(part, at + 2 * row);
        FloatVector.fromArray(S, part, at + 2 * row + VL).add(c21).intoArray(part, at + 2 * row + VL);
        FloatVector.fromArray(S, part, at + 2 * row + 2 * VL).add(c22).intoArray(part, at + 2 * row + 2 * VL);
        FloatVector.fromArray(S, part, at + 3 * row).add(c30).intoArray(part, at + 3 * row);
        FloatVector.fromArray(S, part, at + 3 * row + VL).add(c31).intoArray(part, at + 3 * row + VL);
        FloatVector.fromArray(S, part, at + 3 * row + 2 * VL).add(c32).intoArray(part, at + 3 * row + 2 * VL);
    }
}

package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 products with a narrow C (at most {@link #MAX_N} columns) or too small to repay packing, B as
 * stored, without packing: the updates of the recursive LU and triangular solves near their leaves
 * ({@code [m, k] x [k, 8]}, {@code [8, 8] x [8, 40]}), where the packed kernel's 16-column tiles would be half
 * empty and its packing of A would cost as much as the product. Four rows of C at a time, each row's columns
 * taken two vectors at a time and summed over the depth in order of p from zero, then added to the old C: the
 * same order for any split of the rows or the columns. Same contract as {@link Gemm#dgemm}, with A negated for
 * {@link Gemm#dgemmSubtract}; single-threaded.
 */
final class DgemmNarrow {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** The widest C this kernel takes: two vectors. */
    static final int MAX_N = 2 * VL;

    private DgemmNarrow() {
    }

    static void gemm(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, double[] b, int bOff,
                     int ldb, double[] c, int cOff, int ldc, boolean accumulate, boolean negate) {
        KernelChecks.range("dgemm", "b", b.length, bOff, (k - 1) * ldb + n);
        KernelChecks.range("dgemm", "c", c.length, cOff, (m - 1) * ldc + n);
        for (int j0 = 0; j0 < n; j0 += MAX_N) {
            columns(transA, m, Math.min(MAX_N, n - j0), k, a, aOff, lda, b, bOff + j0, ldb, c, cOff + j0, ldc,
                    accumulate, negate);
        }
    }

    /** {@link #gemm} for at most {@link #MAX_N} columns. */
    private static void columns(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, double[] b,
                                int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate,
                                boolean negate) {
        // A(i, p) = a[aOff + i*ai + p*ap]
        int ai = transA ? 1 : lda;
        int ap = transA ? lda : 1;
        double sign = negate ? -1 : 1;
        VectorMask<Double> m0 = DoubleLanes.lanes(0, n);
        VectorMask<Double> m1 = DoubleLanes.lanes(VL, n);
        int i = 0;
        for (; i + 3 < m; i += 4) {
            DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
            DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
            DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
            DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
            int a0 = aOff + i * ai;
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb;
                DoubleVector b0 = DoubleVector.fromArray(S, b, bp, m0);
                DoubleVector b1 = DoubleVector.fromArray(S, b, bp + VL, m1);
                int ap0 = a0 + p * ap;
                DoubleVector x0 = DoubleVector.broadcast(S, sign * a[ap0]);
                DoubleVector x1 = DoubleVector.broadcast(S, sign * a[ap0 + ai]);
                DoubleVector x2 = DoubleVector.broadcast(S, sign * a[ap0 + 2 * ai]);
                DoubleVector x3 = DoubleVector.broadcast(S, sign * a[ap0 + 3 * ai]);
                c00 = x0.fma(b0, c00);
                c01 = x0.fma(b1, c01);
                c10 = x1.fma(b0, c10);
                c11 = x1.fma(b1, c11);
                c20 = x2.fma(b0, c20);
                c21 = x2.fma(b1, c21);
                c30 = x3.fma(b0, c30);
                c31 = x3.fma(b1, c31);
            }
            store(c00, c01, c, cOff + i * ldc, accumulate, m0, m1);
            store(c10, c11, c, cOff + (i + 1) * ldc, accumulate, m0, m1);
            store(c20, c21, c, cOff + (i + 2) * ldc, accumulate, m0, m1);
            store(c30, c31, c, cOff + (i + 3) * ldc, accumulate, m0, m1);
        }
        for (; i < m; i++) {
            DoubleVector c0 = DoubleVector.zero(S), c1 = DoubleVector.zero(S);
            int a0 = aOff + i * ai;
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * ldb;
                DoubleVector x = DoubleVector.broadcast(S, sign * a[a0 + p * ap]);
                c0 = x.fma(DoubleVector.fromArray(S, b, bp, m0), c0);
                c1 = x.fma(DoubleVector.fromArray(S, b, bp + VL, m1), c1);
            }
            store(c0, c1, c, cOff + i * ldc, accumulate, m0, m1);
        }
    }

    /** One row of C: the sums stored, or added to the old values, in the first n columns only. */
    private static void store(DoubleVector s0, DoubleVector s1, double[] c, int ci, boolean accumulate,
                              VectorMask<Double> m0, VectorMask<Double> m1) {
        if (accumulate) {
            s0 = DoubleVector.fromArray(S, c, ci, m0).add(s0);
            s1 = DoubleVector.fromArray(S, c, ci + VL, m1).add(s1);
        }
        s0.intoArray(c, ci, m0);
        s1.intoArray(c, ci + VL, m1);
    }
}

package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The substitution of {@link TriangularKernel} with the Vector API, for {@code op(A) = A}: each row of X is
 * built a vector of columns at a time, kept in a register while the rows already solved are subtracted
 * ({@code x_i = (b_i - sum_j A[i, j] x_j) / A[i, i]}, one FMA per j in order), then stored once. Only loaded when
 * {@link Vectorization#ENABLED}.
 */
final class TriangularVector {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private TriangularVector() {
    }

    /** Rows {@code [i0, i1)} of X in place in B, in order ({@code forward}) or in reverse. */
    static void substitute(double[] a, int aOff, int lda, boolean unitDiagonal, double[] b, int bOff, int ldb,
                           int m, int i0, int i1, boolean forward) {
        for (int q = 0; q < i1 - i0; q++) {
            int i = forward ? i0 + q : i1 - 1 - q;
            int ai = aOff + i * lda;
            int bi = bOff + i * ldb;
            int from = forward ? i0 : i + 1;
            int to = forward ? i : i1;
            for (int c = 0; c < m; c += VL) {
                VectorMask<Double> lanes = DoubleLanes.lanes(c, m);
                DoubleVector x = DoubleVector.fromArray(S, b, bi + c, lanes);
                for (int j = from; j < to; j++) {
                    double coefficient = a[ai + j];
                    if (coefficient != 0) {
                        x = DoubleVector.broadcast(S, -coefficient).fma(
                                DoubleVector.fromArray(S, b, bOff + j * ldb + c, lanes), x);
                    }
                }
                if (!unitDiagonal) {
                    x = x.div(a[ai + i]);
                }
                x.intoArray(b, bi + c, lanes);
            }
        }
    }
}

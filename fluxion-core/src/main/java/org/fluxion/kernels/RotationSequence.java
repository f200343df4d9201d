package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A sequence of plane rotations applied to adjacent rows of a row-major matrix (LAPACK's {@code dlasr},
 * variable pivot, forward): for {@code k = lo .. hi - 1} in order, rows k and k+1 become
 * {@code c_k r_k + s_k r_(k+1)} and {@code -s_k r_k + c_k r_(k+1)}.
 *
 * <p>One QR sweep of a tridiagonal or bidiagonal matrix produces such a sequence; applying its rotations one
 * at a time streams the whole eigenvector matrix through memory once per sweep. Applied here column block by
 * column block, the rows of a block stay in cache for the whole sequence, and each element sees the same
 * operations in the same order as one rotation at a time (bit-identical results).
 */
final class RotationSequence {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Columns per block: {@code (hi - lo + 1) * BLOCK} doubles stay in L2 for sequences of a few thousand. */
    private static final int BLOCK = 128;

    private RotationSequence() {
    }

    /** Applies rotations {@code (c[k], s[k])}, {@code k in [lo, hi)}, to rows of {@code m} ({@code cols} wide). */
    static void apply(double[] m, int cols, int lo, int hi, double[] c, double[] s) {
        for (int j0 = 0; j0 < cols; j0 += BLOCK) {
            int j1 = Math.min(cols, j0 + BLOCK);
            for (int k = lo; k < hi; k++) {
                double ck = c[k];
                double sk = s[k];
                if (ck == 1 && sk == 0) {
                    continue;
                }
                int p = k * cols;
                int q = p + cols;
                int j = j0;
                int vectorEnd = j0 + S.loopBound(j1 - j0);
                for (; j < vectorEnd; j += S.length()) {
                    DoubleVector a = DoubleVector.fromArray(S, m, p + j);
                    DoubleVector b = DoubleVector.fromArray(S, m, q + j);
                    // c a + s b and c b - s a, as the scalar tail computes them (fma-free, for identical rounding).
                    a.mul(ck).add(b.mul(sk)).intoArray(m, p + j);
                    b.mul(ck).sub(a.mul(sk)).intoArray(m, q + j);
                }
                for (; j < j1; j++) {
                    double a = m[p + j];
                    double b = m[q + j];
                    m[p + j] = ck * a + sk * b;
                    m[q + j] = ck * b - sk * a;
                }
            }
        }
    }
}

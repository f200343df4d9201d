package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The narrowest panel of {@link LuKernel} with the Vector API: a panel two vectors wide, so that each row's
 * part of it is two registers. The panel is first copied to a contiguous buffer (its rows lie a whole matrix
 * row apart, and a pass down them would touch a new cache line per row for every column). Eliminating column
 * {@code j} subtracts {@code l_i * (pivot row)} from every row below, in the lanes right of {@code j} (a
 * blend), and stores the multiplier {@code l_i} in column {@code j}. Only loaded when
 * {@link Vectorization#ENABLED}.
 */
final class LuPanelVector {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Columns of the panel: two vectors. */
    static final int WIDTH = 2 * VL;

    private LuPanelVector() {
    }

    /**
     * Same contract as the scalar panel of {@link LuKernel}: columns {@code [c0, c0 + WIDTH)}, rows
     * {@code [c0, n)}; {@code work} holds at least {@code (n - c0) * WIDTH} doubles.
     */
    static int leaf(double[] a, int off, int n, int c0, int[] pivots, int pivOff, double[] work) {
        int rows = n - c0;
        for (int i = 0; i < rows; i++) {
            int src = off + (c0 + i) * n + c0;
            DoubleVector.fromArray(S, a, src).intoArray(work, i * WIDTH);
            DoubleVector.fromArray(S, a, src + VL).intoArray(work, i * WIDTH + VL);
        }
        int info = 0;
        for (int j = 0; j < WIDTH; j++) {
            int p = j;
            double best = Math.abs(work[j * WIDTH + j]);
            for (int i = j + 1; i < rows; i++) {
                double v = Math.abs(work[i * WIDTH + j]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            pivots[pivOff + c0 + j] = c0 + p;
            int rj = j * WIDTH;
            if (p != j) {
                for (int q = 0; q < WIDTH; q += VL) {
                    DoubleVector top = DoubleVector.fromArray(S, work, rj + q);
                    DoubleVector.fromArray(S, work, p * WIDTH + q).intoArray(work, rj + q);
                    top.intoArray(work, p * WIDTH + q);
                }
            }
            double pivot = work[rj + j];
            if (pivot == 0) {
                if (info == 0) {
                    info = c0 + j + 1; // the column below is all zero: nothing to eliminate (LAPACK continues)
                }
                continue;
            }
            double inv = 1 / pivot;
            int end = rows * WIDTH;
            if (j < VL) {
                // Lanes right of j in the first vector, all of the second.
                DoubleVector u0 = DoubleVector.fromArray(S, work, rj);
                DoubleVector u1 = DoubleVector.fromArray(S, work, rj + VL);
                VectorMask<Double> right = VectorMask.fromLong(S, -2L << j);
                for (int ri = rj + WIDTH; ri < end; ri += WIDTH) {
                    double l = work[ri + j] * inv;
                    DoubleVector r0 = DoubleVector.fromArray(S, work, ri);
                    r0.blend(r0.sub(u0.mul(l)), right).intoArray(work, ri);
                    DoubleVector.fromArray(S, work, ri + VL).sub(u1.mul(l)).intoArray(work, ri + VL);
                    work[ri + j] = l;
                }
            } else {
                DoubleVector u1 = DoubleVector.fromArray(S, work, rj + VL);
                VectorMask<Double> right = VectorMask.fromLong(S, -2L << (j - VL));
                for (int ri = rj + WIDTH; ri < end; ri += WIDTH) {
                    double l = work[ri + j] * inv;
                    DoubleVector r1 = DoubleVector.fromArray(S, work, ri + VL);
                    r1.blend(r1.sub(u1.mul(l)), right).intoArray(work, ri + VL);
                    work[ri + j] = l;
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            int dst = off + (c0 + i) * n + c0;
            DoubleVector.fromArray(S, work, i * WIDTH).intoArray(a, dst);
            DoubleVector.fromArray(S, work, i * WIDTH + VL).intoArray(a, dst + VL);
        }
        return info;
    }
}

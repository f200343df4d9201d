package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 register-blocked micro-kernel: {@code C[MR, NR] (+)= Apanel[MR, kc] · Bpanel[kc, NR]} from the
 * packed panels of {@link Dgemm}: per depth step two vectors of B are loaded and each of the MR values of A
 * broadcast into MR x 2 FMA accumulators. The float32 kernel ({@link SgemmMicroKernel}) explains why the
 * accumulators are named locals started from {@code zero(S)}.
 */
final class DgemmMicroKernel {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * VL;

    private DgemmMicroKernel() {
    }

    /**
     * One MR x NR tile from {@code ap[aOff..]} ({@code kc * MR} values, MR per depth step) and {@code bp[bOff..]}
     * ({@code kc * NR} values, NR per step) into row-major C at {@code cOff}, row stride {@code ldc}: added to C
     * when {@code add}, else stored over it.
     */
    static void kernel(int kc, double[] ap, int aOff, double[] bp, int bOff, double[] c, int cOff, int ldc, boolean add) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S), c41 = DoubleVector.zero(S);
        DoubleVector c50 = DoubleVector.zero(S), c51 = DoubleVector.zero(S);
        DoubleVector c60 = DoubleVector.zero(S), c61 = DoubleVector.zero(S);
        DoubleVector c70 = DoubleVector.zero(S), c71 = DoubleVector.zero(S);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + VL);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(a6, c60);
            c61 = b1.fma(a6, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(a7, c70);
            c71 = b1.fma(a7, c71);
            ai += MR;
            bi += NR;
        }
        // Written out, not through a helper taking the accumulators: a vector passed to a call that C2 does
        // not inline is boxed, and the boxes reach back into the loop.
        if (add) {
            DoubleVector.fromArray(S, c, cOff + 0 * ldc).add(c00).intoArray(c, cOff + 0 * ldc);
            DoubleVector.fromArray(S, c, cOff + 0 * ldc + VL).add(c01).intoArray(c, cOff + 0 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 1 * ldc).add(c10).intoArray(c, cOff + 1 * ldc);
            DoubleVector.fromArray(S, c, cOff + 1 * ldc + VL).add(c11).intoArray(c, cOff + 1 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 2 * ldc).add(c20).intoArray(c, cOff + 2 * ldc);
            DoubleVector.fromArray(S, c, cOff + 2 * ldc + VL).add(c21).intoArray(c, cOff + 2 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 3 * ldc).add(c30).intoArray(c, cOff + 3 * ldc);
            DoubleVector.fromArray(S, c, cOff + 3 * ldc + VL).add(c31).intoArray(c, cOff + 3 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 4 * ldc).add(c40).intoArray(c, cOff + 4 * ldc);
            DoubleVector.fromArray(S, c, cOff + 4 * ldc + VL).add(c41).intoArray(c, cOff + 4 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 5 * ldc).add(c50).intoArray(c, cOff + 5 * ldc);
            DoubleVector.fromArray(S, c, cOff + 5 * ldc + VL).add(c51).intoArray(c, cOff + 5 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 6 * ldc).add(c60).intoArray(c, cOff + 6 * ldc);
            DoubleVector.fromArray(S, c, cOff + 6 * ldc + VL).add(c61).intoArray(c, cOff + 6 * ldc + VL);
            DoubleVector.fromArray(S, c, cOff + 7 * ldc).add(c70).intoArray(c, cOff + 7 * ldc);
            DoubleVector.fromArray(S, c, cOff + 7 * ldc + VL).add(c71).intoArray(c, cOff + 7 * ldc + VL);
        } else {
            c00.intoArray(c, cOff + 0 * ldc);
            c01.intoArray(c, cOff + 0 * ldc + VL);
            c10.intoArray(c, cOff + 1 * ldc);
            c11.intoArray(c, cOff + 1 * ldc + VL);
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + VL);
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + VL);
            c40.intoArray(c, cOff + 4 * ldc);
            c41.intoArray(c, cOff + 4 * ldc + VL);
            c50.intoArray(c, cOff + 5 * ldc);
            c51.intoArray(c, cOff + 5 * ldc + VL);
            c60.intoArray(c, cOff + 6 * ldc);
            c61.intoArray(c, cOff + 6 * ldc + VL);
            c70.intoArray(c, cOff + 7 * ldc);
            c71.intoArray(c, cOff + 7 * ldc + VL);
        }
    }
}

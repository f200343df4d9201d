package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 register-blocked micro-kernel: {@code C[MR, NR] (+)= Apanel[MR, kc] · Bpanel[kc, NR]}.
 *
 * <p>Inputs are packed panels (see {@link SgemmPacking}): for each depth step {@code p} the kernel
 * loads NR = 2 vectors of B and broadcasts the MR values of A, updating MR x 2 vector accumulators
 * with FMAs. The accumulators (MR * 2 vector registers, plus 2 for B and 1 broadcast) all fit in the
 * 32 AVX-512 (or 16 AVX2) registers, so the inner loop does only loads and FMAs. Written out by hand
 * (no arrays of vectors) because C2 only keeps named locals in registers; the accumulators start
 * from {@code FloatVector.zero(S)}, not a static final constant, which made C2 box them (50x slower).
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Rows of the register tile. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * VL;

    private SgemmMicroKernel() {
    }

    /**
     * Computes one MR x NR tile from packed panels {@code ap[aOff..]} ({@code kc * MR} values) and
     * {@code bp[bOff..]} ({@code kc * NR} values) into row-major C at {@code cOff} with row stride
     * {@code ldc}: added to C when {@code add}, else stored over it.
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, boolean add) {
        kernel(kc, ap, aOff, bp, bOff, c, cOff, ldc, add, null, 0);
    }

    /**
     * {@link #kernel(int, float[], int, float[], int, float[], int, int, boolean)}, or with {@code bias} (not
     * null, {@code add} false) the tile stored as its sums plus {@code bias[biasOff .. biasOff + NR)} in every row:
     * a linear layer's bias added in the store instead of by a pass writing it into C first, with the same bits
     * ({@code bias + sum}).
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, boolean add, float[] bias, int biasOff) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = b0.fma(a6, c60);
            c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = b0.fma(a7, c70);
            c71 = b1.fma(a7, c71);
            ai += MR;
            bi += NR;
        }
        if (add) {
            FloatVector.fromArray(S, c, cOff + 0 * ldc).add(c00).intoArray(c, cOff + 0 * ldc);
            FloatVector.fromArray(S, c, cOff + 0 * ldc + VL).add(c01).intoArray(c, cOff + 0 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 1 * ldc).add(c10).intoArray(c, cOff + 1 * ldc);
            FloatVector.fromArray(S, c, cOff + 1 * ldc + VL).add(c11).intoArray(c, cOff + 1 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 2 * ldc).add(c20).intoArray(c, cOff + 2 * ldc);
            FloatVector.fromArray(S, c, cOff + 2 * ldc + VL).add(c21).intoArray(c, cOff + 2 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 3 * ldc).add(c30).intoArray(c, cOff + 3 * ldc);
            FloatVector.fromArray(S, c, cOff + 3 * ldc + VL).add(c31).intoArray(c, cOff + 3 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 4 * ldc).add(c40).intoArray(c, cOff + 4 * ldc);
            FloatVector.fromArray(S, c, cOff + 4 * ldc + VL).add(c41).intoArray(c, cOff + 4 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 5 * ldc).add(c50).intoArray(c, cOff + 5 * ldc);
            FloatVector.fromArray(S, c, cOff + 5 * ldc + VL).add(c51).intoArray(c, cOff + 5 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 6 * ldc).add(c60).intoArray(c, cOff + 6 * ldc);
            FloatVector.fromArray(S, c, cOff + 6 * ldc + VL).add(c61).intoArray(c, cOff + 6 * ldc + VL);
            FloatVector.fromArray(S, c, cOff + 7 * ldc).add(c70).intoArray(c, cOff + 7 * ldc);
            FloatVector.fromArray(S, c, cOff + 7 * ldc + VL).add(c71).intoArray(c, cOff + 7 * ldc + VL);
        } else if (bias != null) {
            // Stored by this path only (a vector merged from two paths would be boxed by C2).
            FloatVector bias0 = FloatVector.fromArray(S, bias, biasOff);
            FloatVector bias1 = FloatVector.fromArray(S, bias, biasOff + VL);
            c00.add(bias0).intoArray(c, cOff + 0 * ldc);
            c01.add(bias1).intoArray(c, cOff + 0 * ldc + VL);
            c10.add(bias0).intoArray(c, cOff + 1 * ldc);
            c11.add(bias1).intoArray(c, cOff + 1 * ldc + VL);
            c20.add(bias0).intoArray(c, cOff + 2 * ldc);
            c21.add(bias1).intoArray(c, cOff + 2 * ldc + VL);
            c30.add(bias0).intoArray(c, cOff + 3 * ldc);
            c31.add(bias1).intoArray(c, cOff + 3 * ldc + VL);
            c40.add(bias0).intoArray(c, cOff + 4 * ldc);
            c41.add(bias1).intoArray(c, cOff + 4 * ldc + VL);
            c50.add(bias0).intoArray(c, cOff + 5 * ldc);
            c51.add(bias1).intoArray(c, cOff + 5 * ldc + VL);
            c60.add(bias0).intoArray(c, cOff + 6 * ldc);
            c61.add(bias1).intoArray(c, cOff + 6 * ldc + VL);
            c70.add(bias0).intoArray(c, cOff + 7 * ldc);
            c71.add(bias1).intoArray(c, cOff + 7 * ldc + VL);
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

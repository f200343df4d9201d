package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API body of {@link SparseKernels#spmm}'s float32 rows: one output row
 * {@code out[base + j] = sum_p w_p * d[src_p * k + j]} accumulated in registers, four vectors of columns at a
 * time, then one, over the entries {@code p} of that row in order. Each lane adds its products in the same
 * order as the scalar loop, with the same roundings (a multiply then an add, no fused multiply-add), so the
 * result has the same bits as the plain-Java path. Loaded only when {@link Vectorization#ENABLED}.
 */
final class SpmmRowsF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SpmmRowsF32() {
    }

    /**
     * Writes columns {@code [0, c)} of the row at {@code o[base..]}, for the entries at positions
     * {@code [from, to)} (entry {@code e = order[p]}, or {@code p} when {@code order} is null); returns {@code c},
     * a multiple of the lane count: the caller finishes columns {@code [c, k)}.
     */
    static int row(float[] o, int base, int k, int[] order, int from, int to, float[] v, int vOffset, long[] source,
                   int sOffset, float[] d, int dOffset) {
        int j = 0;
        for (; j + 4 * L <= k; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int p = from; p < to; p++) {
                int e = order == null ? p : order[p];
                float w = v[vOffset + e];
                int src = dOffset + (int) source[sOffset + e] * k + j;
                a0 = a0.add(FloatVector.fromArray(S, d, src).mul(w));
                a1 = a1.add(FloatVector.fromArray(S, d, src + L).mul(w));
                a2 = a2.add(FloatVector.fromArray(S, d, src + 2 * L).mul(w));
                a3 = a3.add(FloatVector.fromArray(S, d, src + 3 * L).mul(w));
            }
            a0.intoArray(o, base + j);
            a1.intoArray(o, base + j + L);
            a2.intoArray(o, base + j + 2 * L);
            a3.intoArray(o, base + j + 3 * L);
        }
        for (; j + L <= k; j += L) {
            FloatVector a = FloatVector.zero(S);
            for (int p = from; p < to; p++) {
                int e = order == null ? p : order[p];
                a = a.add(FloatVector.fromArray(S, d, dOffset + (int) source[sOffset + e] * k + j).mul(v[vOffset + e]));
            }
            a.intoArray(o, base + j);
        }
        return j;
    }
}

package org.fluxion.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API body of {@link LstmKernelF32}'s backward row, over the whole vectors of a row: the same
 * formula and the same order of roundings as its scalar loop, lane by lane. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class LstmBackwardLanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LstmBackwardLanes() {
    }

    /**
     * Hidden units {@code [0, k L)} of one row (see {@code LstmKernelF32.backwardRow} for the offsets); returns
     * {@code k L}, where the scalar loop goes on. A null {@code gy}, {@code gc} or {@code ga} is zero.
     */
    static int row(int hidden, float[] gy, int gyAt, float[] gc, int gcAt, float[] ga, int gaAt, float[] cPrev,
                   int prevAt, float[] acts, int actsAt, float[] tanhC, float[] dproj, int dAt, float[] dh, float[] dc,
                   int stateAt) {
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        for (int end = S.loopBound(hidden); j < end; j += S.length()) {
            int k = actsAt + j;
            FloatVector i = FloatVector.fromArray(S, acts, k);
            FloatVector f = FloatVector.fromArray(S, acts, k + hidden);
            FloatVector g = FloatVector.fromArray(S, acts, k + 2 * hidden);
            FloatVector o = FloatVector.fromArray(S, acts, k + 3 * hidden);
            FloatVector tc = FloatVector.fromArray(S, tanhC, j);
            FloatVector dhv = load(gy, gyAt + j, zero).add(FloatVector.fromArray(S, dh, stateAt + j));
            FloatVector dcv = load(gc, gcAt + j, zero).add(FloatVector.fromArray(S, dc, stateAt + j))
                    .add(dhv.mul(o).mul(one.sub(tc.mul(tc))));
            int d = dAt + j;
            int q = gaAt + j;
            dcv.mul(g).add(load(ga, q, zero)).mul(i.mul(one.sub(i))).intoArray(dproj, d);
            dcv.mul(FloatVector.fromArray(S, cPrev, prevAt + j)).add(load(ga, q + hidden, zero))
                    .mul(f.mul(one.sub(f))).intoArray(dproj, d + hidden);
            dcv.mul(i).add(load(ga, q + 2 * hidden, zero)).mul(one.sub(g.mul(g))).intoArray(dproj, d + 2 * hidden);
            dhv.mul(tc).add(load(ga, q + 3 * hidden, zero)).mul(o.mul(one.sub(o))).intoArray(dproj, d + 3 * hidden);
            dcv.mul(f).intoArray(dc, stateAt + j);
        }
        return j;
    }

    /** {@code x[at..]}, or zeros for an absent cotangent (null). */
    private static FloatVector load(float[] x, int at, FloatVector zero) {
        return x == null ? zero : FloatVector.fromArray(S, x, at);
    }
}

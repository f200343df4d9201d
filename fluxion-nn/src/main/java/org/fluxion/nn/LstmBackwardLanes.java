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
     * {@code k L}, where the scalar loop goes on.
     */
    static int row(int hidden, float[] gy, int gyAt, float[] gc, int gcAt, float[] ga, int gaAt, float[] cPrev,
                   int prevAt, float[] acts, int actsAt, float[] tanhC, float[] dproj, int dAt, float[] dh, float[] dc,
                   int stateAt) {
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int end = S.loopBound(hidden); j < end; j += S.length()) {
            int k = actsAt + j;
            FloatVector i = FloatVector.fromArray(S, acts, k);
            FloatVector f = FloatVector.fromArray(S, acts, k + hidden);
            FloatVector g = FloatVector.fromArray(S, acts, k + 2 * hidden);
            FloatVector o = FloatVector.fromArray(S, acts, k + 3 * hidden);
            FloatVector tc = FloatVector.fromArray(S, tanhC, j);
            FloatVector dhv = FloatVector.fromArray(S, gy, gyAt + j).add(FloatVector.fromArray(S, dh, stateAt + j));
            FloatVector dcv = FloatVector.fromArray(S, gc, gcAt + j).add(FloatVector.fromArray(S, dc, stateAt + j))
                    .add(dhv.mul(o).mul(one.sub(tc.mul(tc))));
            int d = dAt + j;
            int q = gaAt + j;
            dcv.mul(g).add(FloatVector.fromArray(S, ga, q)).mul(i.mul(one.sub(i))).intoArray(dproj, d);
            dcv.mul(FloatVector.fromArray(S, cPrev, prevAt + j)).add(FloatVector.fromArray(S, ga, q + hidden))
                    .mul(f.mul(one.sub(f))).intoArray(dproj, d + hidden);
            dcv.mul(i).add(FloatVector.fromArray(S, ga, q + 2 * hidden)).mul(one.sub(g.mul(g)))
                    .intoArray(dproj, d + 2 * hidden);
            dhv.mul(tc).add(FloatVector.fromArray(S, ga, q + 3 * hidden)).mul(o.mul(one.sub(o)))
                    .intoArray(dproj, d + 3 * hidden);
            dcv.mul(f).intoArray(dc, stateAt + j);
        }
        return j;
    }
}

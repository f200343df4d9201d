package org.fluxion.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API body of {@link AdamUpdate}'s float32 kernel, over the whole vectors of a range: the same formula
 * and order of roundings as its scalar loop, lane by lane. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class AdamUpdateVectorLoop {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdamUpdateVectorLoop() {
    }

    /**
     * Writes {@code u, m', v'} (or {@code p + u scale} in u's place where p is given) for elements
     * {@code [s, s + k L)} of the range {@code [s, e)} (inputs read at their offsets, outputs written from 0);
     * returns {@code s + k L}.
     */
    static int update(float[] ga, int go, float[] ma, int mo, float[] va, int vo, float[] pa, int po, float[] ua,
                      float[] m2a, float[] v2a, int s, int e, float fb1, float fb2, float c1, float c2, float eps,
                      float invBias1, float invSqrtBias2, float scale) {
        int i = s;
        for (int stop = s + S.loopBound(e - s); i < stop; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, ga, go + i);
            // p read before any store, as an output may be written over it (AdamUpdate.mayWriteOver); without p, g
            // again: a choice of array, not of vector (C2 boxes a vector that merges two paths)
            FloatVector pv = FloatVector.fromArray(S, pa == null ? ga : pa, pa == null ? go + i : po + i);
            FloatVector mv = SubnormalsVector.flush(FloatVector.fromArray(S, ma, mo + i).mul(fb1).add(gv.mul(c1)));
            FloatVector vv = SubnormalsVector.flush(
                    FloatVector.fromArray(S, va, vo + i).mul(fb2).add(gv.mul(gv).mul(c2)));
            mv.intoArray(m2a, i);
            vv.intoArray(v2a, i);
            FloatVector uv = mv.mul(invBias1).div(vv.sqrt().mul(invSqrtBias2).add(eps));
            // a store on each side, no vector merging two paths (C2 would box it)
            if (pa == null) {
                uv.intoArray(ua, i);
            } else {
                pv.add(uv.mul(scale)).intoArray(ua, i);
            }
        }
        return i;
    }
}

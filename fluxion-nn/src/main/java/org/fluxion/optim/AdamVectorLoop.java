package org.fluxion.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API body of {@link AdamKernel#step}, over the whole vectors of a range: the same formula and the
 * same order of roundings as its scalar loop, lane by lane. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class AdamVectorLoop {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdamVectorLoop() {
    }

    /** Updates elements {@code [s, s + k L)} of the range {@code [s, e)} in place; returns {@code s + k L}. */
    static int step(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int s, int e,
                    float b1, float b2, float c1, float c2, float eps, float step, float invSqrtBias2) {
        int i = s;
        for (int end = s + S.loopBound(e - s); i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            FloatVector mv = SubnormalsVector.flush(FloatVector.fromArray(S, m, mo + i).mul(b1).add(gv.mul(c1)));
            FloatVector vv = SubnormalsVector.flush(
                    FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(c2)));
            mv.intoArray(m, mo + i);
            vv.intoArray(v, vo + i);
            FloatVector denom = vv.sqrt().mul(invSqrtBias2).add(eps);
            FloatVector.fromArray(S, p, po + i).sub(mv.mul(step).div(denom)).intoArray(p, po + i);
        }
        return i;
    }
}

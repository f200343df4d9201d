package org.fluxion.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API body of {@link SparseAdam}'s float32 row update, over the whole vectors of a row: the same
 * formula and order of roundings as its scalar loop, lane by lane (a float's correctly rounded square root equals
 * the double one rounded to float), so results do not depend on the lane count. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class SparseAdamVectorLoop {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SparseAdamVectorLoop() {
    }

    /**
     * Updates elements {@code [0, k L)} of one row of {@code width}: gradient at {@code g[go..]}, moments at
     * {@code m[mo..]}, {@code v[vo..]} and parameter at {@code p[po..]}, in place; returns {@code k L}.
     */
    static int row(float[] g, int go, float[] m, int mo, float[] v, int vo, float[] p, int po, int width, float c1,
                   float c2, float step, float eps) {
        int j = 0;
        for (int stop = S.loopBound(width); j < stop; j += S.length()) {
            FloatVector gj = FloatVector.fromArray(S, g, go + j);
            FloatVector mj = FloatVector.fromArray(S, m, mo + j);
            FloatVector vj = FloatVector.fromArray(S, v, vo + j);
            mj = SubnormalsVector.flush(mj.add(gj.sub(mj).mul(c1)));
            vj = SubnormalsVector.flush(vj.add(gj.mul(gj).sub(vj).mul(c2)));
            mj.intoArray(m, mo + j);
            vj.intoArray(v, vo + j);
            FloatVector pj = FloatVector.fromArray(S, p, po + j);
            pj.sub(mj.div(vj.sqrt().add(eps)).mul(step)).intoArray(p, po + j);
        }
        return j;
    }
}

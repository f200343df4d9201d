package org.fluxion.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.Parallel;

/**
 * One fused Adam step over dense float32 arrays, in place: a single pass over parameter, gradient and
 * both moments instead of a dozen tensor operations with a temporary each (PyTorch's fused Adam).
 * <pre>
 *   m = b1 m + (1 - b1) g
 *   v = b2 v + (1 - b2) g^2
 *   p = p - step m / (sqrt(v) / sqrt(bias2) + eps),   step = lr / bias1
 * </pre>
 * with {@code bias_k = 1 - b_k^t}. The tensor form in {@link Adam} is the reference it is tested against.
 */
final class AdamKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdamKernel() {
    }

    static void step(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                     float b1, float b2, float eps, float step, float invSqrtBias2) {
        Parallel.forRange(n, 1 << 15, (s, e) -> {
            int i = s;
            for (int end = s + S.loopBound(e - s); i < end; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                FloatVector mv = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gv.mul(1 - b1));
                FloatVector vv = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(1 - b2));
                mv.intoArray(m, mo + i);
                vv.intoArray(v, vo + i);
                FloatVector denom = vv.sqrt().mul(invSqrtBias2).add(eps);
                FloatVector.fromArray(S, p, po + i).sub(mv.mul(step).div(denom)).intoArray(p, po + i);
            }
            for (; i < e; i++) {
                float gi = g[go + i];
                float mi = b1 * m[mo + i] + (1 - b1) * gi;
                float vi = b2 * v[vo + i] + (1 - b2) * gi * gi;
                m[mo + i] = mi;
                v[vo + i] = vi;
                p[po + i] -= step * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
            }
        });
    }
}

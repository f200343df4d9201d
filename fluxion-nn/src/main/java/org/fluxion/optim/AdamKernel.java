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
                     double beta1, double beta2, float eps, float step, float invSqrtBias2) {
        // 1 - b rounded from double: (float) (1 - 0.999) is 1e-3 to float32 precision, while 1 - (float) 0.999 is
        // 1.3e-5 away from it, a difference from the tensor form of the same formula ten times float32's epsilon
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        Parallel.forRange(n, 1 << 15, (s, e) -> {
            int i = s;
            for (int end = s + S.loopBound(e - s); i < end; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, go + i);
                FloatVector mv = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gv.mul(c1));
                FloatVector vv = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(c2));
                mv.intoArray(m, mo + i);
                vv.intoArray(v, vo + i);
                FloatVector denom = vv.sqrt().mul(invSqrtBias2).add(eps);
                FloatVector.fromArray(S, p, po + i).sub(mv.mul(step).div(denom)).intoArray(p, po + i);
            }
            for (; i < e; i++) {
                float gi = g[go + i];
                float mi = b1 * m[mo + i] + c1 * gi;
                float vi = b2 * v[vo + i] + c2 * gi * gi;
                m[mo + i] = mi;
                v[vo + i] = vi;
                p[po + i] -= step * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
            }
        });
    }
}

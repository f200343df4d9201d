package org.fluxion.optim;

import org.fluxion.kernels.Parallel;
import org.fluxion.kernels.Vectorization;

/**
 * One fused Adam step over dense float32 arrays, in place: a single pass over parameter, gradient and
 * both moments instead of a dozen tensor operations with a temporary each (PyTorch's fused Adam).
 * <pre>
 *   m = b1 m + (1 - b1) g
 *   v = b2 v + (1 - b2) g^2
 *   p = p - step m / (sqrt(v) / sqrt(bias2) + eps),   step = lr / bias1
 * </pre>
 * with {@code bias_k = 1 - b_k^t}, a subnormal moment stored as zero ({@link Subnormals}). The tensor form in
 * {@link Adam} is the reference it is tested against.
 * Whole vectors go through {@link AdamVectorLoop} when {@link Vectorization#ENABLED}; the rest, or everything
 * without the Vector API, through the scalar loop here, which rounds as the lanes do.
 */
final class AdamKernel {
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
            int i = Vectorization.ENABLED ? AdamVectorLoop.step(p, po, g, go, m, mo, v, vo, s, e, b1, b2, c1, c2,
                    eps, step, invSqrtBias2) : s;
            for (; i < e; i++) {
                float gi = g[go + i];
                float mi = Subnormals.flush(b1 * m[mo + i] + c1 * gi);
                float vi = Subnormals.flush(b2 * v[vo + i] + gi * gi * c2); // (g g) c2, as the vector lanes round it
                m[mo + i] = mi;
                v[vo + i] = vi;
                p[po + i] -= step * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
            }
        });
    }
}

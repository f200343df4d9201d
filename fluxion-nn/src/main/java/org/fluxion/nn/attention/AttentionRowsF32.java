package org.fluxion.nn.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.ScalarMath;
import org.fluxion.kernels.VectorMath;

/** The row loops of {@link FlashAttentionF32}, on the Vector API. */
final class AttentionRowsF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AttentionRowsF32() {
    }

    /** {@code s[i] = exp(s[i] - shift)} over {@code [off, off + n)}; returns their sum ({@code exp(-inf) = 0}). */
    static float expShifted(float[] s, int off, int n, float shift) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, off + i).sub(shift));
            e.intoArray(s, off + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < n; i++) {
            float e = ScalarMath.exp(s[off + i] - shift);
            s[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code a[off, off + n) *= f}. */
    static void scale(float[] a, int off, int n, float f) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, off + i).mul(f).intoArray(a, off + i);
        }
        for (; i < n; i++) {
            a[off + i] *= f;
        }
    }

    /** {@code sum a[off + i] b[off + i]} over {@code n}. */
    static float dot(float[] a, float[] b, int off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, off + i).fma(FloatVector.fromArray(S, b, off + i), acc);
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[off + i] * b[off + i];
        }
        return sum;
    }

    /** {@code dp[i] = scale p[i] (dp[i] - delta)}: the softmax VJP of one row, with the score scale folded in. */
    static void softmaxGrad(float[] p, float[] dp, int off, int n, float delta, float scale) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector.fromArray(S, dp, off + i).sub(delta).mul(pv).mul(scale).intoArray(dp, off + i);
        }
        for (; i < n; i++) {
            dp[off + i] = scale * p[off + i] * (dp[off + i] - delta);
        }
    }
}

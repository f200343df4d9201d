package org.fluxion.nn.attention;

import org.fluxion.kernels.ScalarMath;
import org.fluxion.kernels.Vectorization;

/**
 * The row loops of {@link FlashAttentionF32}: whole vectors in {@link AttentionLanesF32} when the Vector API is on
 * ({@link Vectorization}), the rest, or everything without it, in the plain loops here (the same formulas).
 */
final class AttentionRowsF32 {
    private AttentionRowsF32() {
    }

    /** The elements the vector lanes take, from the start of a row of {@code n}: none without the Vector API. */
    private static int lanes(int n) {
        return Vectorization.ENABLED ? AttentionLanesF32.bound(n) : 0;
    }

    /** {@code s[i] = exp(s[i] - shift)} over {@code [off, off + n)}; returns their sum ({@code exp(-inf) = 0}). */
    static float expShifted(float[] s, int off, int n, float shift) {
        float sum = Vectorization.ENABLED ? AttentionLanesF32.expShifted(s, off, n, shift) : 0;
        for (int i = lanes(n); i < n; i++) {
            float e = ScalarMath.exp(s[off + i] - shift);
            s[off + i] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code a[off, off + n) *= f}. */
    static void scale(float[] a, int off, int n, float f) {
        if (Vectorization.ENABLED) {
            AttentionLanesF32.scale(a, off, n, f);
        }
        for (int i = lanes(n); i < n; i++) {
            a[off + i] *= f;
        }
    }

    /** {@code sum a[aOff + i] b[bOff + i]} over {@code n}. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = Vectorization.ENABLED ? AttentionLanesF32.dot(a, aOff, b, bOff, n) : 0;
        for (int i = lanes(n); i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /** {@code dp[i] = scale p[i] (dp[i] - delta)}: the softmax VJP of one row, with the score scale folded in. */
    static void softmaxGrad(float[] p, float[] dp, int off, int n, float delta, float scale) {
        if (Vectorization.ENABLED) {
            AttentionLanesF32.softmaxGrad(p, dp, off, n, delta, scale);
        }
        for (int i = lanes(n); i < n; i++) {
            dp[off + i] = scale * p[off + i] * (dp[off + i] - delta);
        }
    }
}

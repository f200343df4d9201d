package org.fluxion.nn.attention;

/** The row loops of {@link FlashAttentionF64}: plain loops (float64 serves exactness, not speed). */
final class AttentionRowsF64 {
    private AttentionRowsF64() {
    }

    /** {@code s[i] = exp(s[i] - shift)} over {@code [off, off + n)}; returns their sum ({@code exp(-inf) = 0}). */
    static double expShifted(double[] s, int off, int n, double shift) {
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            s[i] = Math.exp(s[i] - shift);
            sum += s[i];
        }
        return sum;
    }

    /** {@code a[off, off + n) *= f}. */
    static void scale(double[] a, int off, int n, double f) {
        for (int i = off; i < off + n; i++) {
            a[i] *= f;
        }
    }

    /** {@code sum a[off + i] b[off + i]} over {@code n}. */
    static double dot(double[] a, double[] b, int off, int n) {
        double sum = 0;
        for (int i = off; i < off + n; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** {@code dp[i] = scale p[i] (dp[i] - delta)}: the softmax VJP of one row, with the score scale folded in. */
    static void softmaxGrad(double[] p, double[] dp, int off, int n, double delta, double scale) {
        for (int i = off; i < off + n; i++) {
            dp[i] = scale * p[i] * (dp[i] - delta);
        }
    }
}

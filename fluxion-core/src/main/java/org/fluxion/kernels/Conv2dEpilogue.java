package org.fluxion.kernels;

/**
 * What a convolution's forward applies to its output before anyone reads it, as one pass over data the GEMM
 * has just written (still in cache) instead of one elementwise pass each over the whole output:
 * <pre>
 *   y[n,o,oh,ow] = act( (conv[n,o,oh,ow] + bias[o]) + residual[n,o,oh,ow] )
 * </pre>
 * with {@code act} ReLU ({@code max(v, 0)}, NaN kept) or the identity, and each term optional. The sums are
 * rounded in this order, the order of the unfused operations, so the result is the same bit for bit. A
 * network's {@code conv -> +bias -> (+shortcut) -> relu} becomes one step (ResNet's basic block; a CNN layer
 * at batch > 1, whose per-channel bias {@code [1, O, 1, 1]} the elementwise fusion cannot read as one row).
 *
 * @param bias        {@code [O]} from {@code biasOff}, or null
 * @param residual    {@code [N, O, OH, OW]} like y from {@code residualOff}, or null
 * @param relu        whether ReLU is applied last
 */
public record Conv2dEpilogue(Object bias, int biasOff, Object residual, int residualOff, boolean relu) {
    /** True when it changes nothing. */
    boolean isIdentity() {
        return bias == null && residual == null && !relu;
    }

    /** Checks the arrays against the geometry, naming what does not fit. */
    void check(Conv2dGeometry g, Object y) {
        if (bias != null) {
            KernelChecks.isFloat32("conv2d bias", y, bias);
            KernelChecks.range("conv2d", "bias", bias, biasOff, g.outChannels());
        }
        if (residual != null) {
            KernelChecks.isFloat32("conv2d residual", y, residual);
            KernelChecks.range("conv2d", "residual", residual, residualOff, g.outputSize());
        }
    }

    /** Applies it to samples {@code [n0, n0 + count)} of a float32 y at {@code yOff} (y's sample 0). */
    void apply(Conv2dGeometry g, float[] y, int yOff, int n0, int count) {
        int cout = g.outChannels(), p = g.outHeight() * g.outWidth();
        float[] b = (float[]) bias, r = (float[]) residual;
        for (int n = n0; n < n0 + count; n++) {
            for (int o = 0; o < cout; o++) {
                int at = (n * cout + o) * p;
                int yi = yOff + at, ri = residualOff + at;
                float add = b == null ? 0f : b[biasOff + o];
                // one pass for the common chains (a network's conv + bias + relu, with or without a shortcut), else
                // a pass per term; each a plain loop C2 vectorizes
                if (b != null && relu) {
                    if (r != null) {
                        for (int i = 0; i < p; i++) {
                            y[yi + i] = Math.max(y[yi + i] + add + r[ri + i], 0f);
                        }
                    } else {
                        for (int i = 0; i < p; i++) {
                            y[yi + i] = Math.max(y[yi + i] + add, 0f);
                        }
                    }
                    continue;
                }
                if (b != null) {
                    for (int i = 0; i < p; i++) {
                        y[yi + i] += add;
                    }
                }
                if (r != null) {
                    for (int i = 0; i < p; i++) {
                        y[yi + i] += r[ri + i];
                    }
                }
                if (relu) {
                    for (int i = 0; i < p; i++) {
                        y[yi + i] = Math.max(y[yi + i], 0f); // max(-0, 0) = +0 and max(NaN, 0) = NaN, as ReLU
                    }
                }
            }
        }
    }

    /** Applies it to the whole of a float64 y at {@code yOff}. */
    void apply(Conv2dGeometry g, double[] y, int yOff) {
        int cout = g.outChannels(), p = g.outHeight() * g.outWidth();
        double[] b = (double[]) bias, r = (double[]) residual;
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < cout; o++) {
                int at = (n * cout + o) * p;
                for (int i = 0; i < p; i++) {
                    double v = y[yOff + at + i];
                    if (b != null) {
                        v += b[biasOff + o];
                    }
                    if (r != null) {
                        v += r[residualOff + at + i];
                    }
                    y[yOff + at + i] = relu ? Math.max(v, 0.0) : v;
                }
            }
        }
    }
}

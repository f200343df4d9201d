package org.fluxion.kernels;

import java.util.Arrays;

/**
 * float64 bodies of {@link Conv2dKernels}: the definition of the convolution, looped directly.
 * Float64 serves exactness (gradient checks), not speed, so these loops stay plain instead of
 * repeating {@link ConvF32}'s batched im2col and GEMM. With {@code ih = oh*sh - ph + i*dh},
 * {@code iw = ow*sw - pw + j*dw} (terms in the padding are 0) and {@code c} running over output
 * channel {@code o}'s group:
 * <pre>
 *   y[n,o,oh,ow]  = sum_{c,i,j} w[o,c,i,j] x[n,c,ih,iw]
 *   dx[n,c,ih,iw] = sum_{o,oh,ow,i,j} dy[n,o,oh,ow] w[o,c,i,j]
 *   dw[o,c,i,j]   = sum_{n,oh,ow} dy[n,o,oh,ow] x[n,c,ih,iw]
 * </pre>
 */
final class ConvF64 {
    private ConvF64() {
    }

    /** Visits, for output position (oh, ow) of channel o, every in-bounds tap: (input index, weight index). */
    @FunctionalInterface
    private interface Tap {
        void at(int xi, int wi);
    }

    private static void taps(Conv2dGeometry g, int xPlane0, int wo, int oh, int ow, Tap tap) {
        int h = g.height();
        int w = g.width();
        for (int c = 0; c < g.inPerGroup(); c++) {
            int xp = xPlane0 + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                int ih = oh * g.strideH() - g.padH() + i * g.dilationH();
                if (ih < 0 || ih >= h) {
                    continue;
                }
                for (int j = 0; j < g.kernelW(); j++) {
                    int iw = ow * g.strideW() - g.padW() + j * g.dilationW();
                    if (iw >= 0 && iw < w) {
                        tap.at(xp + ih * w + iw, wo + (c * g.kernelH() + i) * g.kernelW() + j);
                    }
                }
            }
        }
    }

    /** Offset of the first input plane of output channel {@code o}'s group in sample {@code n}. */
    private static int groupPlane(Conv2dGeometry g, int n, int o) {
        int group = o / g.outPerGroup();
        return (n * g.inChannels() + group * g.inPerGroup()) * g.height() * g.width();
    }

    private static int weightOffset(Conv2dGeometry g, int o) {
        return o * g.inPerGroup() * g.kernelH() * g.kernelW();
    }

    static void forward(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        Parallel.forRange(g.batch() * g.outChannels(), 1, (s, e) -> {
            double[] sum = new double[1];
            for (int q = s; q < e; q++) {
                int n = q / g.outChannels();
                int o = q % g.outChannels();
                int xp = xOff + groupPlane(g, n, o);
                int wo = wOff + weightOffset(g, o);
                for (int r = 0; r < oh; r++) {
                    for (int col = 0; col < ow; col++) {
                        sum[0] = 0;
                        taps(g, xp, wo, r, col, (xi, wi) -> sum[0] += x[xi] * w[wi]);
                        y[yOff + (q * oh + r) * ow + col] = sum[0];
                    }
                }
            }
        });
    }

    static void inputGrad(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff, double[] dx, int dxOff) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        int sample = g.inChannels() * g.height() * g.width();
        // Each sample's dx is written by one thread only.
        Parallel.forRange(g.batch(), 1, (s, e) -> {
            Arrays.fill(dx, dxOff + s * sample, dxOff + e * sample, 0);
            for (int n = s; n < e; n++) {
                for (int o = 0; o < g.outChannels(); o++) {
                    int xp = dxOff + groupPlane(g, n, o);
                    int wo = wOff + weightOffset(g, o);
                    for (int r = 0; r < oh; r++) {
                        for (int col = 0; col < ow; col++) {
                            double d = dy[dyOff + ((n * g.outChannels() + o) * oh + r) * ow + col];
                            taps(g, xp, wo, r, col, (xi, wi) -> dx[xi] += d * w[wi]);
                        }
                    }
                }
            }
        });
    }

    static void weightGrad(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff, double[] dw, int dwOff) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        int perChannel = g.inPerGroup() * g.kernelH() * g.kernelW();
        // Each output channel's dw is written by one thread only.
        Parallel.forRange(g.outChannels(), 1, (s, e) -> {
            Arrays.fill(dw, dwOff + s * perChannel, dwOff + e * perChannel, 0);
            for (int o = s; o < e; o++) {
                int wo = dwOff + weightOffset(g, o);
                for (int n = 0; n < g.batch(); n++) {
                    int xp = xOff + groupPlane(g, n, o);
                    for (int r = 0; r < oh; r++) {
                        for (int col = 0; col < ow; col++) {
                            double d = dy[dyOff + ((n * g.outChannels() + o) * oh + r) * ow + col];
                            taps(g, xp, wo, r, col, (xi, wi) -> dw[wi] += d * x[xi]);
                        }
                    }
                }
            }
        });
    }
}

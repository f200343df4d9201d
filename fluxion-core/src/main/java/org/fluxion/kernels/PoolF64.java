package org.fluxion.kernels;

import java.util.Arrays;

/**
 * float64 bodies of {@link Pool2dKernels}: the definitions, looped directly, one (n, c) plane at a time
 * ({@link Pool2dKernels#forPlanes}). Float64 serves exactness (gradient checks), not speed, so these loops
 * stay plain instead of repeating {@link PoolF32}'s vectorized max pooling. With the window of output
 * (r, q) the rows {@code [rowStart(r), rowEnd(r))} and columns {@code [colStart(q), colEnd(q))} of its
 * plane ({@link Pool2dGeometry}):
 * <pre>
 *   max:    y[r,q] = x[argmax[r,q]],  argmax = the first maximum in row-major order, or the last NaN
 *   avg:    y[r,q] = sum(window) / divisor(r, q)
 *   grads:  dx = the adjoints: dy scattered to argmax; dy / divisor spread over each window
 * </pre>
 */
final class PoolF64 {
    private PoolF64() {
    }

    static void maxForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int aOff) {
        int w = g.width(), hw = g.height() * w, oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xp = xOff + plane * hw;
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        int o = (plane * oh + r) * ow + q;
                        // As PyTorch: the first maximum wins, a NaN beats everything (the last NaN wins),
                        // and a window of -inf points at its first input element.
                        double m = Double.NEGATIVE_INFINITY;
                        int mi = g.rowStart(r) * w + g.colStart(q);
                        for (int ih = g.rowStart(r); ih < g.rowEnd(r); ih++) {
                            for (int iw = g.colStart(q); iw < g.colEnd(q); iw++) {
                                double v = x[xp + ih * w + iw];
                                if (v > m || v != v) {
                                    m = v;
                                    mi = ih * w + iw;
                                }
                            }
                        }
                        y[yOff + o] = m;
                        argmax[aOff + o] = mi;
                    }
                }
            }
        });
    }

    static void maxBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int aOff, double[] dx, int dxOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0.0);
            for (int i = start * p; i < end * p; i++) {
                int idx = argmax[aOff + i];
                if (idx < 0 || idx >= hw) {
                    throw Pool2dKernels.argmaxOutside(g, i, idx);
                }
                dx[dxOff + i / p * hw + idx] += dy[dyOff + i];
            }
        });
    }

    static void maxSelect(Pool2dGeometry g, double[] t, int tOff, int[] argmax, int aOff, double[] y, int yOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth(), n = g.outputSize();
        for (int i = 0; i < n; i++) {
            y[yOff + i] = t[tOff + i / p * hw + argmax[aOff + i]];
        }
    }

    static void avgForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, boolean countIncludePad) {
        int w = g.width(), hw = g.height() * w, oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        double s = 0;
                        for (int ih = g.rowStart(r); ih < g.rowEnd(r); ih++) {
                            for (int iw = g.colStart(q); iw < g.colEnd(q); iw++) {
                                s += x[xOff + plane * hw + ih * w + iw];
                            }
                        }
                        y[yOff + (plane * oh + r) * ow + q] = s / g.divisor(r, q, countIncludePad);
                    }
                }
            }
        });
    }

    static void avgBackward(Pool2dGeometry g, double[] dy, int dyOff, double[] dx, int dxOff, boolean countIncludePad) {
        int w = g.width(), hw = g.height() * w, oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0.0);
            for (int plane = start; plane < end; plane++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        double d = dy[dyOff + (plane * oh + r) * ow + q] / g.divisor(r, q, countIncludePad);
                        for (int ih = g.rowStart(r); ih < g.rowEnd(r); ih++) {
                            for (int iw = g.colStart(q); iw < g.colEnd(q); iw++) {
                                dx[dxOff + plane * hw + ih * w + iw] += d;
                            }
                        }
                    }
                }
            }
        });
    }
}

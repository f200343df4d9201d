package org.fluxion.kernels;

import java.util.Arrays;

/**
 * float32 bodies of {@link Pool2dKernels}, one (n, c) plane at a time ({@link Pool2dKernels#forPlanes}).
 * Max pooling is vectorized ({@link MaxPoolF32}) when {@link Vectorization#ENABLED}; the other loops, and max
 * pooling without the Vector API, are as plain as {@link PoolF64}'s, the float64 reference.
 *
 * <p>Window of output (r, q): rows {@code [r*sh - ph, r*sh - ph + kh)} clipped to the input, likewise
 * columns ({@link Pool2dGeometry#rowStart} and friends).
 */
final class PoolF32 {
    private PoolF32() {
    }

    static void maxForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        if (Vectorization.ENABLED) {
            MaxPoolF32.forward(g, x, xOff, y, yOff, argmax, aOff);
            return;
        }
        int hw = g.height() * g.width(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        int o = (plane * oh + r) * ow + q;
                        maxScalar(x, xOff + plane * hw, y, yOff + o, argmax, aOff + o,
                                g.rowStart(r), g.rowEnd(r), g.colStart(q), g.colEnd(q), w);
                    }
                }
            }
        });
    }

    /**
     * {@link #maxForward}'s values without its argmax: the vectorized 2x2 stride-2 path skipping its argmax
     * stores; every other window through {@link MaxPoolValuesF32}, which is separable and needs no per-lane
     * index bookkeeping.
     */
    static void maxValues(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff) {
        if (Vectorization.ENABLED && MaxPool2x2F32.applies(g)) {
            Pool2dKernels.forPlanes(g, (start, end) -> MaxPool2x2F32.forward(g, x, xOff, y, yOff, null, 0, start, end));
            return;
        }
        Pool2dKernels.forPlanes(g, (start, end) ->
                MaxPoolValuesF32.forward(g, x, xOff, y, yOff, start, end, new MaxPoolValuesF32.Scratch(g)));
    }

    /** One output: rows {@code [hs, he)}, columns {@code [ws, we)} of a plane {@code w} wide. */
    static void maxScalar(float[] x, int xp, float[] y, int yi, int[] argmax, int ai,
                                  int hs, int he, int ws, int we, int w) {
        // As PyTorch: the first maximum wins, a NaN beats everything (the last NaN wins), and a window
        // of -inf points at its first input element.
        float m = Float.NEGATIVE_INFINITY;
        int mi = hs * w + ws;
        for (int ih = hs; ih < he; ih++) {
            for (int iw = ws; iw < we; iw++) {
                float v = x[xp + ih * w + iw];
                if (v > m || v != v) {
                    m = v;
                    mi = ih * w + iw;
                }
            }
        }
        y[yi] = m;
        argmax[ai] = mi;
    }

    static void maxBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int aOff, float[] dx, int dxOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0f);
            for (int plane = start; plane < end; plane++) {
                int xp = dxOff + plane * hw;
                for (int i = plane * p, e = i + p; i < e; i++) {
                    int idx = argmax[aOff + i];
                    if (idx < 0 || idx >= hw) {
                        throw Pool2dKernels.argmaxOutside(g, i, idx);
                    }
                    dx[xp + idx] += dy[dyOff + i];
                }
            }
        });
    }

    static void maxSelect(Pool2dGeometry g, float[] t, int tOff, int[] argmax, int aOff, float[] y, int yOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth(), n = g.outputSize();
        for (int i = 0; i < n; i++) {
            y[yOff + i] = t[tOff + i / p * hw + argmax[aOff + i]];
        }
    }

    static void avgForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, boolean countIncludePad) {
        int hw = g.height() * g.width(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xp = xOff + plane * hw;
                int out = yOff + plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int hs = g.rowStart(r), he = g.rowEnd(r);
                    for (int q = 0; q < ow; q++, out++) {
                        int ws = g.colStart(q), we = g.colEnd(q);
                        float s = 0;
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) {
                                s += x[xp + ih * w + iw];
                            }
                        }
                        y[out] = s / g.divisor(r, q, countIncludePad);
                    }
                }
            }
        });
    }

    static void avgBackward(Pool2dGeometry g, float[] dy, int dyOff, float[] dx, int dxOff, boolean countIncludePad) {
        int hw = g.height() * g.width(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Pool2dKernels.forPlanes(g, (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0f);
            for (int plane = start; plane < end; plane++) {
                int xp = dxOff + plane * hw;
                int out = dyOff + plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int hs = g.rowStart(r), he = g.rowEnd(r);
                    for (int q = 0; q < ow; q++, out++) {
                        int ws = g.colStart(q), we = g.colEnd(q);
                        float d = dy[out] / g.divisor(r, q, countIncludePad);
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) {
                                dx[xp + ih * w + iw] += d;
                            }
                        }
                    }
                }
            }
        });
    }
}

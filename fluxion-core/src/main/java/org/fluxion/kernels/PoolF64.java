package org.fluxion.kernels;

import java.util.Arrays;

/**
 * float64 bodies of {@link Pool2dKernels}, one (n, c) plane at a time; planes are independent, so they
 * are split over threads without any reduction.
 *
 * <p>Window of output (r, q): rows {@code [r*sh - ph, r*sh - ph + kh)} clipped to the input, likewise
 * columns. Float64 serves exactness (gradient checks), so max pooling here is a plain loop; the
 * average-pooling loops are {@code PoolF32}'s with {@code float} replaced by {@code double}.
 */
final class PoolF64 {
    /** Below about this many window reads per chunk a thread hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;

    private PoolF64() {
    }

    static void maxForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int aOff) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int hw = h * w, p = oh * ow;
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                for (int r = 0; r < oh; r++) {
                    int hs = r * g.strideH() - g.padH();
                    int he = Math.min(hs + g.kernelH(), h);
                    hs = Math.max(hs, 0);
                    for (int q = 0; q < ow; q++) {
                        int o = plane * p + r * ow + q;
                        maxScalar(x, xOff + plane * hw, y, yOff + o, argmax, aOff + o, hs, he,
                                q * g.strideW() - g.padW(), g.kernelW(), w);
                    }
                }
            }
        });
    }

    /** One output: rows {@code [hs, he)}, columns {@code [ws, ws+kw)} clipped to {@code [0, w)}. */
    private static void maxScalar(double[] x, int xp, double[] y, int yi, int[] argmax, int ai,
                                  int hs, int he, int ws, int kw, int w) {
        int we = Math.min(ws + kw, w);
        ws = Math.max(ws, 0);
        // As PyTorch: the first maximum wins, a NaN beats everything (the last NaN wins), and a window
        // of -inf points at its first input element.
        double m = Double.NEGATIVE_INFINITY;
        int mi = hs * w + ws;
        for (int ih = hs; ih < he; ih++) {
            for (int iw = ws; iw < we; iw++) {
                double v = x[xp + ih * w + iw];
                if (v > m || v != v) {
                    m = v;
                    mi = ih * w + iw;
                }
            }
        }
        y[yi] = m;
        argmax[ai] = mi;
    }

    static void maxBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int aOff, double[] dx, int dxOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0.0);
            for (int plane = start; plane < end; plane++) {
                int xp = dxOff + plane * hw;
                for (int i = plane * p, e = i + p; i < e; i++) {
                    int idx = argmax[aOff + i];
                    if (idx < 0 || idx >= hw) { // would silently corrupt a neighbouring plane
                        throw new IllegalArgumentException("maxPool2d: backward argmax[" + i + "] = " + idx
                                + " is outside the " + g.height() + "x" + g.width() + " input plane");
                    }
                    dx[xp + idx] += dy[dyOff + i];
                }
            }
        });
    }

    static void avgForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, boolean countIncludePad) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                int xp = xOff + plane * h * w;
                int out = yOff + plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int hs = r * g.strideH() - g.padH();
                    int he = Math.min(hs + g.kernelH(), h + g.padH());
                    int rows = he - hs;
                    hs = Math.max(hs, 0);
                    he = Math.min(he, h);
                    for (int q = 0; q < ow; q++, out++) {
                        int ws = q * g.strideW() - g.padW();
                        int we = Math.min(ws + g.kernelW(), w + g.padW());
                        int cols = we - ws;
                        ws = Math.max(ws, 0);
                        we = Math.min(we, w);
                        double s = 0;
                        for (int ih = hs; ih < he; ih++) {
                            for (int iw = ws; iw < we; iw++) {
                                s += x[xp + ih * w + iw];
                            }
                        }
                        y[out] = s / divisor(countIncludePad, rows, cols, he - hs, we - ws);
                    }
                }
            }
        });
    }

    static void avgBackward(Pool2dGeometry g, double[] dy, int dyOff, double[] dx, int dxOff, boolean countIncludePad) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            Arrays.fill(dx, dxOff + start * h * w, dxOff + end * h * w, 0.0);
            for (int plane = start; plane < end; plane++) {
                int xp = dxOff + plane * h * w;
                int out = dyOff + plane * oh * ow;
                for (int r = 0; r < oh; r++) {
                    int hs = r * g.strideH() - g.padH();
                    int he = Math.min(hs + g.kernelH(), h + g.padH());
                    int rows = he - hs;
                    hs = Math.max(hs, 0);
                    he = Math.min(he, h);
                    for (int q = 0; q < ow; q++, out++) {
                        int ws = q * g.strideW() - g.padW();
                        int we = Math.min(ws + g.kernelW(), w + g.padW());
                        int cols = we - ws;
                        ws = Math.max(ws, 0);
                        we = Math.min(we, w);
                        double d = dy[out] / divisor(countIncludePad, rows, cols, he - hs, we - ws);
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

    /**
     * PyTorch's divisor: with padding counted, the window clipped to the padded input (it can overhang
     * that in ceil mode); without, the number of real input elements in the window.
     */
    private static int divisor(boolean countIncludePad, int paddedRows, int paddedCols, int rows, int cols) {
        return countIncludePad ? paddedRows * paddedCols : rows * cols;
    }

    /** Planes per chunk so that a chunk does at least {@link #MIN_PARALLEL_WORK} window reads. */
    private static int grain(Pool2dGeometry g) {
        long perPlane = (long) g.outHeight() * g.outWidth() * g.kernelH() * g.kernelW();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, MIN_PARALLEL_WORK / Math.max(1, perPlane)));
    }
}

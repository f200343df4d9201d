package org.fluxion.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 bodies of {@link Pool2dKernels}, one (n, c) plane at a time; planes are independent, so they
 * are split over threads without any reduction.
 *
 * <p>Window of output (r, q): rows {@code [r*sh - ph, r*sh - ph + kh)} clipped to the input, likewise
 * columns. {@code PoolF64} is this file with {@code float} replaced by {@code double}; keep them in sync.
 */
final class PoolF32 {
    /** Below about this many window reads per chunk a thread hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** Int lanes matching {@link #FS} one to one, for the argmax indices. */
    private static final VectorSpecies<Integer> IS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(FS.length() * Integer.SIZE));

    private PoolF32() {
    }

    static void maxForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int sw = g.strideW(), pw = g.padW(), vl = FS.length();
        // Output columns q in [qLo, qHi) have their whole window inside the input width.
        int qLo = Math.min(g.outWidth(), (pw + sw - 1) / sw);
        int span = g.width() + pw - g.kernelW();
        int qHi = span < 0 ? qLo : Math.max(qLo, Math.min(g.outWidth(), span / sw + 1));
        // Lane l of a vector step reads input column ws + l*sw. The last, partial step of a row repeats
        // its last valid column in the unused lanes: a masked gather still range-checks every lane.
        int tail = (qHi - qLo) % vl == 0 ? vl : (qHi - qLo) % vl;
        int[] laneCols = new int[vl], tailCols = new int[vl];
        for (int l = 0; l < vl; l++) {
            laneCols[l] = l * sw;
            tailCols[l] = Math.min(l, tail - 1) * sw;
        }
        if (MaxPool2x2F32.applies(g)) {
            Parallel.forRange(g.batch() * g.channels(), grain(g),
                    (start, end) -> MaxPool2x2F32.forward(g, x, xOff, y, yOff, argmax, aOff, start, end));
            return;
        }
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                maxPlane(g, x, xOff + plane * hw, y, yOff + plane * p, argmax, aOff + plane * p,
                        qLo, qHi, laneCols, tailCols);
            }
        });
    }

    /**
     * One plane of max pooling. Output columns whose window lies wholly inside the input width go
     * {@code FS.length()} at a time (the data is random, so a scalar compare-and-branch mispredicts about
     * once per output); edge columns and the tail go one by one. Both apply the same update rule in the
     * same row-major window order, so they agree exactly, ties and NaNs included.
     */
    private static void maxPlane(Pool2dGeometry g, float[] x, int xp, float[] y, int yp, int[] argmax, int ap,
                                 int qLo, int qHi, int[] laneCols, int[] tailCols) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW(), ph = g.padH(), pw = g.padW();
        int vl = FS.length();
        IntVector laneOffsets = IntVector.fromArray(IS, laneCols, 0);
        for (int r = 0; r < oh; r++) {
            int hs = r * sh - ph;
            int he = Math.min(hs + kh, h);
            hs = Math.max(hs, 0);
            int out = r * ow;
            int q = 0;
            for (; q < qLo; q++) {
                maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, q * sw - pw, kw, w);
            }
            for (; q < qHi; q += vl) {
                // a short row or the tail runs masked rather than scalar: rows are often narrower than vl
                VectorMask<Float> lanes = FS.indexInRange(q, qHi);
                int[] cols = q + vl <= qHi ? laneCols : tailCols;
                int ws = q * sw - pw;
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                IntVector mi = laneOffsets.add(hs * w + ws);
                for (int ih = hs; ih < he; ih++) {
                    for (int j = 0; j < kw; j++) {
                        int at = ih * w + ws + j;
                        FloatVector v = sw == 1 ? FloatVector.fromArray(FS, x, xp + at, lanes)
                                : FloatVector.fromArray(FS, x, xp + at, cols, 0);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                        m = m.blend(v, take);
                        mi = mi.blend(laneOffsets.add(at), take.cast(IS));
                    }
                }
                m.intoArray(y, yp + out + q, lanes);
                mi.intoArray(argmax, ap + out + q, lanes.cast(IS));
            }
            for (q = qHi; q < ow; q++) {
                maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, q * sw - pw, kw, w);
            }
        }
    }

    /** One output: rows {@code [hs, he)}, columns {@code [ws, ws+kw)} clipped to {@code [0, w)}. */
    private static void maxScalar(float[] x, int xp, float[] y, int yi, int[] argmax, int ai,
                                  int hs, int he, int ws, int kw, int w) {
        int we = Math.min(ws + kw, w);
        ws = Math.max(ws, 0);
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
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            Arrays.fill(dx, dxOff + start * hw, dxOff + end * hw, 0f);
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

    static void avgForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, boolean countIncludePad) {
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
                        float s = 0;
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

    static void avgBackward(Pool2dGeometry g, float[] dy, int dyOff, float[] dx, int dxOff, boolean countIncludePad) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        Parallel.forRange(g.batch() * g.channels(), grain(g), (start, end) -> {
            Arrays.fill(dx, dxOff + start * h * w, dxOff + end * h * w, 0f);
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
                        float d = dy[out] / divisor(countIncludePad, rows, cols, he - hs, we - ws);
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

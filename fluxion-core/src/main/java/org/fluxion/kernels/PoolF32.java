package org.fluxion.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 bodies of {@link Pool2dKernels}, one (n, c) plane at a time ({@link Pool2dKernels#forPlanes}).
 * Max pooling is vectorized; the other loops are as plain as {@link PoolF64}'s, the float64 reference.
 *
 * <p>Window of output (r, q): rows {@code [r*sh - ph, r*sh - ph + kh)} clipped to the input, likewise
 * columns ({@link Pool2dGeometry#rowStart} and friends).
 */
final class PoolF32 {
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
            Pool2dKernels.forPlanes(g,
                    (start, end) -> MaxPool2x2F32.forward(g, x, xOff, y, yOff, argmax, aOff, start, end));
            return;
        }
        Pool2dKernels.forPlanes(g, (start, end) -> {
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
        int w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int kw = g.kernelW(), sw = g.strideW(), pw = g.padW();
        int vl = FS.length();
        IntVector laneOffsets = IntVector.fromArray(IS, laneCols, 0);
        for (int r = 0; r < oh; r++) {
            int hs = g.rowStart(r), he = g.rowEnd(r);
            int out = r * ow;
            int q = 0;
            for (; q < qLo; q++) {
                maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, g.colStart(q), g.colEnd(q), w);
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
                maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, g.colStart(q), g.colEnd(q), w);
            }
        }
    }

    /** One output: rows {@code [hs, he)}, columns {@code [ws, we)} of a plane {@code w} wide. */
    private static void maxScalar(float[] x, int xp, float[] y, int yi, int[] argmax, int ai,
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

package org.fluxion.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 max pooling that writes the maxima only, no argmax: the forward of the {@code maxPool2d} primitive,
 * whose gradient recomputes the routing from x. Separable, one {@code [H, W]} plane at a time:
 * <pre>
 *   rowMax[ih, q] = max over j in [0, kw) of xpad[ih, q*sw + j]        (every input row)
 *   y[r, q]       = max over rows [rowStart(r), rowEnd(r)) of rowMax[., q]
 * </pre>
 * where {@code xpad} is the row padded with -infinity. The row pass reads {@code xpad} split by stride phase,
 * {@code phase_b[t] = xpad[t*sw + b]}: window element {@code j = a*sw + b} of output q is {@code phase_b[q + a]},
 * so {@code VL} outputs take one contiguous load per window element, with no gathers and no branches (random data
 * makes a compare-and-branch mispredict about once per output).
 *
 * <p>Each max applies {@code PoolF32.maxScalar}'s rule (a later element wins only when greater, or NaN). Rows
 * first, then columns, is that rule's row-major order: the winner is the first maximal element of the first
 * row holding the maximum, so the result equals the argmax path's bit for bit, signed zeros and NaNs included;
 * a -infinity of the padding never wins over the start value -infinity.
 */
final class MaxPoolValuesF32 {
    private MaxPoolValuesF32() {
    }

    /** Per-thread scratch of one chunk of planes: the row maxima and the phase-split padded row. */
    static final class Scratch {
        final float[] rowMax;
        final float[] phases;
        final int phaseLength;
        /** Window element j of output q is {@code phases[q + tap[j]]}. */
        final int[] tap;
        /** Phase b holds input columns {@code t*sw + b - pw} for t in {@code [firstT[b], endT[b])}. */
        final int[] firstT;
        final int[] endT;

        Scratch(Pool2dGeometry g) {
            int sw = g.strideW(), kw = g.kernelW(), ow = g.outWidth();
            // phase_b[t] is read for t < ow + (kw - 1) / sw (a vector of outputs q..q+VL-1 has q + VL <= ow) and
            // written for t <= (pw + w - 1) / sw
            this.phaseLength = Math.max(ow + (kw - 1) / sw, (g.padW() + g.width() - 1) / sw + 1);
            this.rowMax = new float[g.height() * ow];
            this.phases = new float[sw * phaseLength];
            this.tap = new int[kw];
            for (int j = 0; j < kw; j++) {
                tap[j] = (j % sw) * phaseLength + j / sw;
            }
            this.firstT = new int[sw];
            this.endT = new int[sw];
            for (int b = 0; b < sw; b++) {
                // 0 <= t*sw + b - pw < w
                firstT[b] = Math.max(0, Math.ceilDiv(g.padW() - b, sw));
                endT[b] = Math.max(firstT[b], Math.ceilDiv(g.width() + g.padW() - b, sw));
            }
        }
    }

    /** Planes {@code [start, end)} of x at {@code xOff} into y at {@code yOff}. */
    static void forward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int start, int end, Scratch s) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int sw = g.strideW(), pw = g.padW(), kw = g.kernelW(), len = s.phaseLength;
        float[] rowMax = s.rowMax, phases = s.phases;
        int[] tap = s.tap;
        Arrays.fill(phases, Float.NEGATIVE_INFINITY);
        for (int plane = start; plane < end; plane++) {
            int xp = xOff + plane * h * w, yp = yOff + plane * oh * ow;
            for (int ih = 0; ih < h; ih++) {
                int row = xp + ih * w;
                // phase_b[t] = xpad[t*sw + b] = x[t*sw + b - pw]; slots outside the input stay -infinity
                for (int b = 0; b < sw; b++) {
                    int t = s.firstT[b], e = s.endT[b], src = row + t * sw + b - pw;
                    if (sw == 1) {
                        System.arraycopy(x, src, phases, b * len + t, e - t);
                        continue;
                    }
                    if (sw == 2 && Vectorization.ENABLED) {
                        // every other element, a vector of them from two loads and an even-lane permute
                        Im2ColF32.copyEveryOther(x, src, phases, b * len + t, e - t);
                        continue;
                    }
                    for (; t < e; t++, src += sw) {
                        phases[b * len + t] = x[src];
                    }
                }
                int q = Vectorization.ENABLED ? Lanes.rows(phases, tap, ow, rowMax, ih * ow) : 0;
                for (; q < ow; q++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < kw; j++) {
                        float v = phases[q + tap[j]];
                        m = v > m || v != v ? v : m;
                    }
                    rowMax[ih * ow + q] = m;
                }
            }
            for (int r = 0; r < oh; r++) {
                int hs = g.rowStart(r), he = g.rowEnd(r), out = yp + r * ow;
                int q = Vectorization.ENABLED ? Lanes.columns(rowMax, hs, he, ow, y, out) : 0;
                for (; q < ow; q++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int ih = hs; ih < he; ih++) {
                        float v = rowMax[ih * ow + q];
                        m = v > m || v != v ? v : m;
                    }
                    y[out + q] = m;
                }
            }
        }
    }

    /** The Vector API parts, in their own class so that nothing loads them when the module is absent. */
    private static final class Lanes {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

        /** The row pass for whole vectors of outputs; returns the first output column it left. */
        static int rows(float[] phases, int[] tap, int ow, float[] rowMax, int dst) {
            int vl = S.length(), q = 0;
            for (; q + vl <= ow; q += vl) {
                FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int j = 0; j < tap.length; j++) {
                    FloatVector v = FloatVector.fromArray(S, phases, q + tap[j]);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, take);
                }
                m.intoArray(rowMax, dst + q);
            }
            return q;
        }

        /** The column pass for whole vectors of outputs; returns the first output column it left. */
        static int columns(float[] rowMax, int hs, int he, int ow, float[] y, int out) {
            int vl = S.length(), q = 0;
            for (; q + vl <= ow; q += vl) {
                FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                for (int ih = hs; ih < he; ih++) {
                    FloatVector v = FloatVector.fromArray(S, rowMax, ih * ow + q);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, take);
                }
                m.intoArray(y, out + q);
            }
            return q;
        }
    }
}

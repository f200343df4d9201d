package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packs a B operand of {@link Sgemm} that is not stored as a matrix, {@code B[t][q] = x[xOff + shift[t]
 * + base[q]]}, straight into the packed panel layout ({@link SgemmPacking}: panels of NR columns, each
 * depth step a row of NR floats). Two convolution operands have this form:
 * <ul>
 * <li>the im2col matrix of a sub-batch ({@link #im2col}) of an unpadded input (a padded one is first copied into
 *     zero-padded planes, {@link Im2ColF32#padPlanes}): column {@code q = s*P + oh*OW + ow} is pixel (s, oh, ow),
 *     depth {@code t = (c*kh + i)*kw + j} reads {@code x[s][c][oh*sh + i*dh][ow*sw + j*dw]}, the pixel's base plus
 *     a shift of t alone;</li>
 * <li>the output gradient of a sub-batch laid side by side ({@link #rows}), {@code B[o][s*P + pixel] =
 *     dy[s][o][pixel]}, read where it lies in {@code [N, O, P]}.</li>
 * </ul>
 * Either way the operand is never written out and read back for packing (for im2col about 1 MB per
 * sub-batch, larger than L2).
 *
 * <p>Within a panel the columns form runs whose bases step by the width stride (cut at VL lanes), each an evenly
 * strided run of x for every t: per run and depth step one vector load (stride 1) or two and a permute of their
 * even lanes (stride 2), and one masked store, a run at a time down the depth so that its source and mask stay in
 * registers; other strides copy float by float. A panel of many short runs is gathered instead, two gathers per depth
 * step. {@link #pack} keeps no state, so threads may pack panels of one block at once.
 */
final class OffsetPacker implements Sgemm.BPacker {
    private static final int NR = Sgemm.NR;
    private static final int VL = FloatRuns.VL;

    private final float[] x;
    private final int xOff;
    /** Offset of depth step t from a column's base. */
    private final int[] shift;
    /** Offset (from xOff) of column q at depth 0. */
    private final int[] base;
    /** Step between the bases of neighbouring columns within a run: the width stride (1 for {@link #rows}). */
    private final int step;

    private OffsetPacker(float[] x, int xOff, int[] shift, int[] base, int step) {
        this.x = x;
        this.xOff = xOff;
        this.shift = shift;
        this.base = base;
        this.step = step;
    }

    /**
     * The im2col matrix {@code [Cg*kh*kw, count*P]} of {@code count} samples of one group of an unpadded geometry:
     * sample s's {@code Cg} input planes start at {@code x[xOff + s*xStride]}.
     */
    static OffsetPacker im2col(Conv2dGeometry g, float[] x, int xOff, int xStride, int count) {
        if (g.padH() != 0 || g.padW() != 0) {
            throw new IllegalArgumentException("conv2d: packed im2col needs zero-padded planes, got padding "
                    + g.padH() + "x" + g.padW());
        }
        int w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int[] shift = tapShifts(g);
        int[] base = new int[count * oh * ow];
        for (int s = 0, q = 0; s < count; s++) {
            for (int r = 0; r < oh; r++) {
                for (int col = 0; col < ow; col++) {
                    base[q++] = s * xStride + r * g.strideH() * w + col * g.strideW();
                }
            }
        }
        return new OffsetPacker(x, xOff, shift, base, g.strideW());
    }

    /**
     * Offset of each tap {@code t = (c*kh + i)*kw + j} of one group of an unpadded geometry from a pixel's first
     * input element: {@code c*H*W + i*dh*W + j*dw}, increasing in t.
     */
    static int[] tapShifts(Conv2dGeometry g) {
        int h = g.height(), w = g.width();
        int[] shift = new int[g.inPerGroup() * g.kernelH() * g.kernelW()];
        int t = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    shift[t++] = c * h * w + i * g.dilationH() * w + j * g.dilationW();
                }
            }
        }
        return shift;
    }

    /**
     * The matrix {@code [rows, count*cols]} whose row t is the rows t of {@code count} samples side by
     * side: {@code B[t][s*cols + c] = data[off + s*sampleStride + t*rowStride + c]}.
     */
    static OffsetPacker rows(float[] data, int off, int rows, int rowStride, int count, int sampleStride, int cols) {
        int[] shift = new int[rows];
        for (int t = 0; t < rows; t++) {
            shift[t] = t * rowStride;
        }
        int[] base = new int[count * cols];
        for (int s = 0, q = 0; s < count; s++) {
            for (int c = 0; c < cols; c++) {
                base[q++] = s * sampleStride + c;
            }
        }
        return new OffsetPacker(data, off, shift, base, 1);
    }

    @Override
    public void pack(int pc, int jc, int kc, int nc, float[] bp, int bpOff) {
        int[] runStart = new int[NR];
        int[] runLength = new int[NR];
        int[] index = new int[NR];  // gathered panels: their columns' bases
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            int runs = runs(jc + jp, nr, runStart, runLength);
            int panel = bpOff + jp * kc;
            if (runs > GATHER_RUNS) {
                gatherPanel(jc + jp, nr, pc, kc, bp, panel, index);
                continue;
            }
            // one run at a time down the depth: its source and mask stay put, only the shift changes
            for (int r = 0; r < runs; r++) {
                int src = xOff + base[jc + jp + runStart[r]], dst = panel + runStart[r];
                if (step == 1) {
                    copyRun(src, runLength[r], pc, kc, bp, dst);
                } else if (step == 2) {
                    copyEvenLanes(src, runLength[r], pc, kc, bp, dst);
                } else {
                    copyStrided(src, runLength[r], pc, kc, bp, dst);
                }
            }
            if (nr < NR) { // edge panel: zero columns
                for (int d = 0; d < kc; d++) {
                    java.util.Arrays.fill(bp, panel + d * NR + nr, panel + (d + 1) * NR, 0f);
                }
            }
        }
    }

    /**
     * Panels of more runs than this are gathered ({@link #gatherPanel}): the short runs of a small plane (two columns
     * on a 2x2 output) cost a load and a masked store each for a float or two. Packing ResNet's deep stages at batch
     * 32 (one thread): 1.2-2.1 ns a float by runs, 0.22-0.24 gathered; on 8-column stride-2 runs (4 a panel) the two
     * are alike, 0.42-0.48.
     */
    private static final int GATHER_RUNS = 2;

    /**
     * Packs the panel of columns {@code q0 .. q0+nr} (nr at most NR) at {@code panel} with two gathers per depth step:
     * {@code index} is filled with the columns' bases relative to the first, so each step gathers from one offset.
     */
    private void gatherPanel(int q0, int nr, int pc, int kc, float[] bp, int panel, int[] index) {
        int first = base[q0];
        for (int l = 0; l < NR; l++) {
            index[l] = l < nr ? base[q0 + l] - first : 0;
        }
        VectorMask<Float> lo = FloatRuns.lanes(0, nr, VL), hi = FloatRuns.lanes(0, nr - VL, VL);
        FloatVector zero = FloatVector.zero(FloatRuns.S);
        int src = xOff + first;
        // Unmasked gathers (an unused lane reads the first column's element, index 0), then zero where unused: the
        // masked gather branches on whether its mask is all true, and where both paths ran C2 boxed the vector at
        // their merge, a float[] and an object per gather (11 MB a step in the Fashion-MNIST CNN's second layer).
        for (int d = 0, dst = panel; d < kc; d++, dst += NR) {
            int at = src + shift[pc + d];
            zero.blend(FloatVector.fromArray(FloatRuns.S, x, at, index, 0), lo).intoArray(bp, dst);
            zero.blend(FloatVector.fromArray(FloatRuns.S, x, at, index, VL), hi).intoArray(bp, dst + VL);
        }
    }

    /** {@code bp[dst + d*NR + l] = x[src + shift[pc + d] + l]} for {@code d < kc, l < len}. */
    private void copyRun(int src, int len, int pc, int kc, float[] bp, int dst) {
        VectorMask<Float> lanes = FloatRuns.lanes(0, len, VL);
        for (int d = 0; d < kc; d++, dst += NR) {
            int at = src + shift[pc + d];
            if (at + VL <= x.length) {
                FloatVector.fromArray(FloatRuns.S, x, at).intoArray(bp, dst, lanes);
            } else { // the end of x
                FloatVector.fromArray(FloatRuns.S, x, at, lanes).intoArray(bp, dst, lanes);
            }
        }
    }

    /** {@code bp[dst + d*NR + l] = x[src + shift[pc + d] + 2l]}: the even lanes of two loads. */
    private void copyEvenLanes(int src, int len, int pc, int kc, float[] bp, int dst) {
        VectorMask<Float> lanes = FloatRuns.lanes(0, len, VL);
        for (int d = 0; d < kc; d++, dst += NR) {
            int at = src + shift[pc + d];
            if (at + 2 * VL <= x.length) {
                FloatVector lo = FloatVector.fromArray(FloatRuns.S, x, at);
                FloatVector hi = FloatVector.fromArray(FloatRuns.S, x, at + VL);
                Im2ColF32.EVEN_LANES.selectFrom(lo, hi).intoArray(bp, dst, lanes);
            } else { // the end of x
                for (int l = 0; l < len; l++) {
                    bp[dst + l] = x[at + 2 * l];
                }
            }
        }
    }

    /** {@code bp[dst + d*NR + l] = x[src + shift[pc + d] + step*l]}, float by float (strides past 2 are rare). */
    private void copyStrided(int src, int len, int pc, int kc, float[] bp, int dst) {
        for (int d = 0; d < kc; d++, dst += NR) {
            int at = src + shift[pc + d];
            for (int l = 0; l < len; l++) {
                bp[dst + l] = x[at + step * l];
            }
        }
    }

    /** Splits the {@code nr} columns from {@code q0} into runs of at most VL bases {@link #step} apart. */
    private int runs(int q0, int nr, int[] runStart, int[] runLength) {
        int runs = 0;
        for (int j = 0; j < nr; runs++) {
            int len = 1;
            while (j + len < nr && len < VL && base[q0 + j + len] == base[q0 + j + len - 1] + step) {
                len++;
            }
            runStart[runs] = j;
            runLength[runs] = len;
            j += len;
        }
        return runs;
    }
}

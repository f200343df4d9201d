package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Writes blocks of the im2col matrix of a sub-batch straight into the packed B layout of {@link Sgemm}
 * ({@link SgemmPacking}: panels of NR columns, each depth step a row of NR floats), for convolutions of
 * stride 1 along the width and no padding. The forward GEMM {@code y[Og, S*P] = w[Og, K] · col[K, S*P]}
 * then never materializes col: at a few hundred KB per sub-batch, writing it and reading it back for
 * packing went through L3 and cost about as much as copying it.
 *
 * <p>Column {@code q} of col is pixel {@code (s, oh, ow)} of the sub-batch, {@code q = s*P + oh*OW + ow};
 * depth {@code t = (c*kh + i)*kw + j} reads {@code x[s][c][oh*sh + i*dh][ow + j*dw]}, i.e. the pixel's
 * base offset plus a shift that depends on t alone. Within a panel the columns form runs of consecutive
 * {@code ow} (cut at VL), each a contiguous run of x for every t: one vector load and one masked store
 * per run and depth step, a run at a time down the depth so that its source and mask stay in registers.
 */
final class Im2colPacker implements Sgemm.BPacker {
    private static final int NR = Sgemm.NR;
    private static final int VL = FloatRuns.VL;

    private final float[] x;
    private final int xOff;
    /** Offset, from a pixel's base, of depth t: {@code c*H*W + i*dh*W + j*dw}. */
    private final int[] shift;
    /** Base offset in x (from xOff) of column q's pixel: {@code s*xStride + oh*sh*W + ow}. */
    private final int[] base;
    private final int ow;
    private final int p;
    /** Runs of one panel: start within the panel, length; reused across calls. */
    private final int[] runStart = new int[NR];
    private final int[] runLength = new int[NR];

    /** True when {@link Im2colPacker} handles {@code g}: stride 1 along the width, no padding. */
    static boolean applies(Conv2dGeometry g) {
        return g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /**
     * The im2col matrix of {@code count} samples of one group: sample s's {@code Cg} input planes start
     * at {@code x[xOff + s*xStride]}.
     */
    Im2colPacker(Conv2dGeometry g, float[] x, int xOff, int xStride, int count) {
        this.x = x;
        this.xOff = xOff;
        int h = g.height(), w = g.width(), oh = g.outHeight();
        this.ow = g.outWidth();
        this.p = oh * ow;
        shift = new int[g.inPerGroup() * g.kernelH() * g.kernelW()];
        int t = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    shift[t++] = c * h * w + i * g.dilationH() * w + j * g.dilationW();
                }
            }
        }
        base = new int[count * p];
        for (int s = 0, q = 0; s < count; s++) {
            for (int r = 0; r < oh; r++) {
                for (int col = 0; col < ow; col++) {
                    base[q++] = s * xStride + r * g.strideH() * w + col;
                }
            }
        }
    }

    @Override
    public void pack(int pc, int jc, int kc, int nc, float[] bp) {
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            int runs = runs(jc + jp, nr);
            int panel = jp * kc;
            // one run at a time down the depth: its source and mask stay put, only the shift changes
            for (int r = 0; r < runs; r++) {
                int len = runLength[r];
                VectorMask<Float> lanes = FloatRuns.lanes(0, len, VL);
                int src = xOff + base[jc + jp + runStart[r]], dst = panel + runStart[r];
                for (int d = 0; d < kc; d++, dst += NR) {
                    int at = src + shift[pc + d];
                    if (at + VL <= x.length) {
                        FloatVector.fromArray(FloatRuns.S, x, at).intoArray(bp, dst, lanes);
                    } else { // the end of x
                        FloatVector.fromArray(FloatRuns.S, x, at, lanes).intoArray(bp, dst, lanes);
                    }
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
     * Splits the {@code nr} columns from {@code q0} into runs of at most VL consecutive pixels of one
     * output row.
     */
    private int runs(int q0, int nr) {
        int runs = 0;
        int j = 0;
        while (j < nr) {
            int q = q0 + j;
            int left = ow - (q % p) % ow; // columns to the end of this output row
            int len = Math.min(Math.min(left, nr - j), VL);
            runStart[runs] = j;
            runLength[runs] = len;
            runs++;
            j += len;
        }
        return runs;
    }
}

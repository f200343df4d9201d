package org.fluxion.kernels;

/**
 * Packs the A operand of a convolution's weight gradient {@code dw^T[K, Og] = col[K, L] · dy[Og, L]^T} straight from
 * the input, in {@link SgemmPacking}'s A panel layout: A is the im2col matrix of a sub-batch,
 * {@code A[t][l] = x[xOff + shift[t] + base(l)]} with tap {@code t = (c*kh + i)*kw + j} and pixel
 * {@code l = s*P + oh*OW + ow}, for geometries of width stride 1 without padding. Along the depth l, row t is then a
 * contiguous run of x for every (s, oh), {@code OW} values long; eight rows at a time are transposed in registers a
 * run at a time ({@link SgemmPacking#packRows}). The im2col matrix, about L2-sized per sub-batch, is never written
 * out and read back: the 32 -> 64 channel layer of the Fashion-MNIST CNN wrote and read 9 MB of it per step.
 *
 * <p>A run shorter than a vector is transposed as a whole vector: the depth steps past its end are written with
 * what follows it in x, and overwritten by the next run, or by the next panel, or land in the buffer's
 * {@link Sgemm#A_SLACK}. The packed values are those of the matrix's, so products are bit for bit the same. No state:
 * threads may pack their own blocks at once.
 */
final class Im2ColPackA implements Sgemm.APacker {
    private static final int MR = Sgemm.MR;
    private static final int VL = SgemmMicroKernel.VL;

    private final float[] x;
    private final int xOff;
    /** Offset of tap t from a pixel's base: increasing in t. */
    private final int[] shift;
    private final int sampleStride;
    /** Offset between output rows' bases: the height stride times the width. */
    private final int rowStep;
    private final int pixels;
    private final int outWidth;
    private final int outHeight;

    private Im2ColPackA(float[] x, int xOff, int[] shift, int sampleStride, int rowStep, int outHeight, int outWidth) {
        this.x = x;
        this.xOff = xOff;
        this.shift = shift;
        this.sampleStride = sampleStride;
        this.rowStep = rowStep;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        this.pixels = outHeight * outWidth;
    }

    /** Whether {@link #of} takes {@code g}: width stride 1, no padding, and a vector shape the transpose suits. */
    static boolean applies(Conv2dGeometry g) {
        return g.strideW() == 1 && g.padH() == 0 && g.padW() == 0 && SgemmPacking.packsRows();
    }

    /**
     * The im2col matrix {@code [Cg*kh*kw, count*P]} of {@code count} samples of one group of {@code g}
     * ({@link #applies}): sample s's {@code Cg} input planes start at {@code x[xOff + s*sampleStride]}.
     */
    static Im2ColPackA of(Conv2dGeometry g, float[] x, int xOff, int sampleStride) {
        if (!applies(g)) {
            throw new IllegalArgumentException("conv2d: packed weight-gradient im2col needs width stride 1 and no "
                    + "padding, got " + g);
        }
        return new Im2ColPackA(x, xOff, OffsetPacker.tapShifts(g), sampleStride, g.strideH() * g.width(),
                g.outHeight(), g.outWidth());
    }

    @Override
    public void pack(int ic, int pc, int mc, int kc, float[] ap) {
        for (int ip = 0; ip < mc; ip += MR) {
            int rows = Math.min(MR, mc - ip);
            int t = ic + ip;
            int dst = ip * kc;
            if (rows < MR) {
                packScalar(t, rows, pc, kc, ap, dst);
            } else {
                packPanel(t, pc, kc, ap, dst);
            }
        }
    }

    /** Eight full rows from tap t, depth steps {@code [pc, pc + kc)}, a run of x at a time. */
    private void packPanel(int t, int pc, int kc, float[] ap, int dst) {
        int s0 = shift[t], s1 = shift[t + 1], s2 = shift[t + 2], s3 = shift[t + 3];
        int s4 = shift[t + 4], s5 = shift[t + 5], s6 = shift[t + 6], s7 = shift[t + 7];
        int sample = pc / pixels;
        int row = pc % pixels / outWidth;
        int col = pc % outWidth;
        int d = dst;
        for (int l = pc, end = pc + kc; l < end; ) {
            int len = Math.min(outWidth - col, end - l);
            int pos = xOff + sample * sampleStride + row * rowStep + col;
            int done = 0;
            // whole vectors read past the run: only where they stay inside x (s7 is the largest shift)
            if (pos + s7 + (len + VL - 1) / VL * VL <= x.length) {
                done = SgemmPacking.packRows(x, pos + s0, pos + s1, pos + s2, pos + s3, pos + s4, pos + s5,
                        pos + s6, pos + s7, len, ap, d);
                if (done < len) {
                    int q = pos + done;
                    SgemmPacking.packRows(x, q + s0, q + s1, q + s2, q + s3, q + s4, q + s5, q + s6, q + s7, VL, ap,
                            d + done * MR);
                    done = len;
                }
            }
            for (int q = done; q < len; q++) {
                int o = d + q * MR;
                for (int i = 0; i < MR; i++) {
                    ap[o + i] = x[pos + shift[t + i] + q];
                }
            }
            d += len * MR;
            l += len;
            col = 0;
            if (++row == outHeight) {
                row = 0;
                sample++;
            }
        }
    }

    /** The last, partial panel: {@code rows} taps from t, the others zero. */
    private void packScalar(int t, int rows, int pc, int kc, float[] ap, int dst) {
        for (int p = 0; p < kc; p++) {
            int l = pc + p;
            int base = xOff + l / pixels * sampleStride + l % pixels / outWidth * rowStep + l % outWidth;
            int o = dst + p * MR;
            for (int i = 0; i < MR; i++) {
                ap[o + i] = i < rows ? x[base + shift[t + i]] : 0f;
            }
        }
    }
}

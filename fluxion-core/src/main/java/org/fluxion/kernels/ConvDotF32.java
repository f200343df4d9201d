package org.fluxion.kernels;

/**
 * float32 conv2d forward for a batch with few output pixels in all and many weights: the deep stages of a CNN at
 * batch 1 (512 channels of 3x3 on a 2x2 map: 2.4M weights for 4 pixels). With {@code K = Cg*kh*kw},
 * {@code N = batch*OH*OW} and {@code colT[N, K]} the transposed im2col of a group (row {@code n = s*P + oh*OW + ow}
 * holds the K inputs that pixel reads),
 * <pre>
 *   y[s, o, oh, ow] = dot(w[o, :], colT[n, :])
 * </pre>
 * computed as dot products along K ({@link SgemmDotNT}): each weight row is read once, where it lies, with no
 * packing. The packed GEMM instead packs all the weights to use each once, and pads the N columns to a register
 * tile of {@code 2*VL} (4 of 32 columns: 7/8 of its multiply-adds wasted).
 *
 * <p>Threads split the output channels in blocks of {@link #ROWS}; each output is one dot product computed by one
 * call, so the bits do not depend on the thread count.
 */
final class ConvDotF32 {
    /** Largest {@code N} this path takes: beyond one vector of pixels the GEMM's register tile is mostly full. */
    static final int MAX_PIXELS = 16;
    /** Smallest weight ({@code O*Cg*kh*kw}) worth it: below, the GEMM's packing is cheap and in cache. */
    static final int MIN_WEIGHTS = 1 << 15;
    /** Output channels per work item: a few dot-product blocks of {@link SgemmDotNT}. */
    private static final int ROWS = 16;

    /** The caller's transposed im2col and each thread's lane partials and results, grown on demand and kept. */
    private static final ThreadBuffers BUFFERS = new ThreadBuffers("conv2d: buffer", 3);

    private ConvDotF32() {
    }

    /** True when {@link #forward} is the faster path for {@code g}. */
    static boolean applies(Conv2dGeometry g) {
        long pixels = (long) g.batch() * g.outHeight() * g.outWidth();
        return pixels > 0 && pixels <= MAX_PIXELS && g.weightSize() >= MIN_WEIGHTS;
    }

    /** y {@code [N, O, OH, OW]} = conv2d(x, w), overwritten; x {@code [N, C, H, W]}, w {@code [O, Cg, kh, kw]}. */
    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        int og = g.outPerGroup(), groups = g.groups(), p = g.outHeight() * g.outWidth();
        int k = g.inPerGroup() * g.kernelH() * g.kernelW(), n = g.batch() * p, vl = SgemmDotNT.VL;
        float[] colT = BUFFERS.get(0, (long) groups * n * k);
        for (int gi = 0; gi < groups; gi++) {
            transposedIm2col(g, x, xOff, gi, colT, gi * n * k);
        }
        int blocksPerGroup = (og + ROWS - 1) / ROWS;
        // about 2 * ROWS * N * K multiply-adds per block: a thread hand-off is worth it from a few blocks on
        Parallel.forRange(groups * blocksPerGroup, Math.max(1, (1 << 17) / (ROWS * n * k) + 1), (start, end) -> {
            float[] part = BUFFERS.get(1, (long) ROWS * n * vl);
            float[] out = BUFFERS.get(2, (long) ROWS * n);
            for (int b = start; b < end; b++) {
                int gi = b / blocksPerGroup, o0 = (b % blocksPerGroup) * ROWS, rows = Math.min(ROWS, og - o0);
                int o = gi * og + o0;
                java.util.Arrays.fill(part, 0, rows * n * vl, 0f);
                SgemmDotNT.accumulate(rows, n, k, w, wOff + o * k, k, colT, gi * n * k, k, part, 0);
                SgemmDotNT.reduce(rows, n, part, 0, out, 0, n);
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < n; q++) { // q = s*P + pixel
                        y[yOff + ((q / p) * g.outChannels() + o + r) * p + q % p] = out[r * n + q];
                    }
                }
            }
        });
    }

    /**
     * Fills {@code colT[N, K]} at {@code off} for group {@code gi}: {@code colT[s*P + oh*OW + ow][(c*kh + i)*kw + j]
     * = x[s, gi*Cg + c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]}, 0 in the padding.
     */
    static void transposedIm2col(Conv2dGeometry g, float[] x, int xOff, int gi, float[] colT, int off) {
        int h = g.height(), wd = g.width(), cg = g.inPerGroup(), kh = g.kernelH(), kw = g.kernelW();
        int dst = off;
        for (int s = 0; s < g.batch(); s++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    for (int c = 0; c < cg; c++) {
                        int plane = xOff + (s * g.inChannels() + gi * cg + c) * h * wd;
                        for (int i = 0; i < kh; i++) {
                            int ih = oh * g.strideH() - g.padH() + i * g.dilationH();
                            for (int j = 0; j < kw; j++, dst++) {
                                int iw = ow * g.strideW() - g.padW() + j * g.dilationW();
                                colT[dst] = ih >= 0 && ih < h && iw >= 0 && iw < wd ? x[plane + ih * wd + iw] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }
}

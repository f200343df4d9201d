package org.fluxion.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 conv2d forward at stride 1 without an im2col matrix (implicit GEMM): each sample's group of input
 * planes is copied once into zero-padded planes {@code xp[Cg, Hp, Wp]} ({@code Hp = H + 2ph}, {@code Wp = W + 2pw}),
 * in which output pixel (oh, ow) sits at the flat index {@code t = oh*Wp + ow} and kernel tap {@code k = (c, i, j)}
 * reads {@code xp[t + shift[k]]}, {@code shift[k] = c*Hp*Wp + i*dh*Wp + j*dw}. So
 * <pre>
 *   yw[o, t] = sum_k w[o, k] * xp[t + shift[k]]      t &lt; T = (OH-1)*Wp + OW
 * </pre>
 * is a GEMM whose B rows are contiguous runs of xp at offsets {@code shift[k]}: the register tile ({@code MR}
 * output channels by two vectors of t, as {@link SgemmMicroKernel}'s) loads its B vectors straight from xp,
 * nothing packed but the weights (once per call). The columns {@code ow >= OW} of each row are computed and
 * dropped when yw's rows are copied to y: {@link #applies} takes geometries where they, and the last tile's
 * columns past T, waste at most a fifth of the work (wide planes: a CNN's first layers, ResNet's 16x16 stage).
 *
 * <p>Threads claim samples; each output is one sum over k in order, so the bits do not depend on the thread count.
 */
final class ConvShiftedF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Output channels of the register tile. */
    static final int MR = 8;
    /** Output columns (flat t) of the register tile: two vectors. */
    static final int NR = 2 * VL;

    /**
     * Largest padded input of a sample and group ({@code Cg*Hp*Wp}) taken: every block of MR output channels streams
     * all of it, so it should stay in L2 (512 KiB); larger inputs keep the im2col path's L2-sized sub-batches.
     */
    static final int MAX_PLANE_FLOATS = 1 << 17;

    /** Per-thread padded planes and wide output rows, grown on demand and kept. */
    private static final ThreadBuffers BUFFERS = new ThreadBuffers("conv2d: buffer", 2);

    private ConvShiftedF32() {
    }

    /**
     * True for stride 1, a batch of at least 2 (threads split samples), a kernel larger than 1x1, at least MR output
     * channels per group (the register tile's rows), padded planes of at most {@link #MAX_PLANE_FLOATS}, and padded rows
     * that waste at most a fifth of the columns computed: {@code OH*OW >= 4/5 * roundUp(T, NR)}. At a quarter wasted
     * (the Fashion-MNIST CNN's 32 -> 64 layer, 13x13 planes to 11x11, batch 64, two threads) im2col into the GEMM's
     * panels took 0.83-0.91 of the time of this path forward and 0.80-0.89 for the input gradient (15x15 padded dy to
     * 13x13); its 28x28 first layer, 8% wasted, stays here (im2col took 1.2x).
     */
    static boolean applies(Conv2dGeometry g) {
        if (g.strideH() != 1 || g.strideW() != 1 || g.batch() < 2 || g.isPointwise() || g.outPerGroup() < MR) {
            return false;
        }
        long planes = (long) g.inPerGroup() * (g.height() + 2 * g.padH()) * (g.width() + 2 * g.padW());
        long useful = (long) g.outHeight() * g.outWidth();
        return planes <= MAX_PLANE_FLOATS && 5 * useful >= 4L * roundUp(flatColumns(g), NR);
    }

    /** T: flat columns from the first output pixel to the last, rows {@code Wp} apart. */
    private static int flatColumns(Conv2dGeometry g) {
        return (g.outHeight() - 1) * (g.width() + 2 * g.padW()) + g.outWidth();
    }

    /** y = conv2d(x, w), then the epilogue (or null) per sample; shapes as {@link Conv2dKernels#forward}. */
    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                        Conv2dEpilogue epilogue) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), groups = g.groups();
        int kh = g.kernelH(), kw = g.kernelW(), k = cg * kh * kw;
        int hp = g.height() + 2 * g.padH(), wp = g.width() + 2 * g.padW(), planes = cg * hp * wp;
        int t = flatColumns(g), tPadded = roundUp(t, NR), oBlocks = (og + MR - 1) / MR;
        int[] shift = new int[k];
        for (int c = 0, q = 0; c < cg; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, q++) {
                    shift[q] = c * hp * wp + i * g.dilationH() * wp + j * g.dilationW();
                }
            }
        }
        // weights as MR-row panels, depth-major: packed[(gi*oBlocks + b)*k*MR + q*MR + r] = w[gi*og + b*MR + r, q]
        float[] packed = new float[groups * oBlocks * k * MR];
        for (int o = 0; o < g.outChannels(); o++) {
            int gi = o / og, b = (o % og) / MR, r = (o % og) % MR, base = (gi * oBlocks + b) * k * MR + r;
            for (int q = 0; q < k; q++) {
                packed[base + q * MR] = w[wOff + o * k + q];
            }
        }
        AtomicInteger next = new AtomicInteger();
        int nb = g.batch();
        // xp reads reach tPadded - 1 + shift[k-1] < planes + NR (T + the last tap's shift is at most Hp*Wp)
        Parallel.forRange(nb, 1, (unusedStart, unusedEnd) -> {
            float[] xp = BUFFERS.get(0, planes + NR);
            float[] wide = BUFFERS.get(1, MR * tPadded);
            for (int s; (s = next.getAndIncrement()) < nb; ) {
                for (int gi = 0; gi < groups; gi++) {
                    pad(g, x, xOff + (s * g.inChannels() + gi * cg) * g.height() * g.width(), xp, hp, wp);
                    for (int b = 0; b < oBlocks; b++) {
                        int pOff = (gi * oBlocks + b) * k * MR;
                        for (int t0 = 0; t0 < t; t0 += NR) {
                            tile(k, packed, pOff, xp, shift, t0, wide, tPadded);
                        }
                        int o0 = gi * og + b * MR, rows = Math.min(MR, og - b * MR);
                        compact(g, wide, tPadded, wp, rows, y, yOff + (s * g.outChannels() + o0) * g.outHeight() * g.outWidth());
                    }
                }
                if (epilogue != null) {
                    epilogue.apply(g, y, yOff, s, 1);
                }
            }
        });
    }

    /**
     * The geometry whose forward is {@code g}'s input gradient, or null when there is none of stride 1: at stride 1
     * the input gradient is the convolution of dy with the weights flipped and transposed ({@link #inputGrad}),
     * {@code dx[c, ih, iw] = sum_{o,i,j} w[o, c, i, j] dy[o, ih + ph - i*dh, iw + pw - j*dw]}, which is a forward of
     * C output channels from O input channels with padding {@code (kh-1)*dh - ph} (and likewise along the width).
     */
    static Conv2dGeometry inputGradGeometry(Conv2dGeometry g) {
        int ph = (g.kernelH() - 1) * g.dilationH() - g.padH(), pw = (g.kernelW() - 1) * g.dilationW() - g.padW();
        if (g.strideH() != 1 || g.strideW() != 1 || ph < 0 || pw < 0) {
            return null;
        }
        return new Conv2dGeometry(g.batch(), g.outChannels(), g.outHeight(), g.outWidth(), g.inChannels(),
                g.kernelH(), g.kernelW(), 1, 1, ph, pw, g.dilationH(), g.dilationW(), g.groups());
    }

    /**
     * dx {@code [N, C, H, W]} (overwritten) = the input gradient of {@code g} for dy {@code [N, O, OH, OW]}, as the
     * forward of {@code gradGeometry = inputGradGeometry(g)} with {@code w'[gi*Cg + c, o, i, j] = w[gi*Og + o, c,
     * kh-1-i, kw-1-j]}.
     */
    static void inputGrad(Conv2dGeometry g, Conv2dGeometry gradGeometry, float[] dy, int dyOff, float[] w, int wOff,
                          float[] dx, int dxOff) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), kh = g.kernelH(), kw = g.kernelW(), taps = kh * kw;
        float[] flipped = new float[g.weightSize()];
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int o = 0; o < og; o++) {
                for (int c = 0; c < cg; c++) {
                    int src = wOff + ((gi * og + o) * cg + c) * taps, dst = ((gi * cg + c) * og + o) * taps;
                    for (int t = 0; t < taps; t++) {
                        flipped[dst + taps - 1 - t] = w[src + t];
                    }
                }
            }
        }
        forward(gradGeometry, dy, dyOff, flipped, 0, dx, dxOff, null);
    }

    /** {@code xp[Cg, Hp, Wp]} (plus NR floats of slack) = the Cg planes at {@code x[xOff]}, zero-padded. */
    private static void pad(Conv2dGeometry g, float[] x, int xOff, float[] xp, int hp, int wp) {
        int planes = g.inPerGroup() * hp * wp;
        Im2ColF32.padPlanes(g, x, xOff, planes, 1, xp);
        Arrays.fill(xp, planes, planes + NR, 0f);
    }

    /**
     * {@code wide[r, t0 + l] = sum_q packed[pOff + q*MR + r] * xp[shift[q] + t0 + l]} for r &lt; MR, l &lt; NR.
     * Written out by hand with named accumulators, as {@link SgemmMicroKernel} (C2 keeps only locals in registers).
     */
    private static void tile(int k, float[] packed, int pOff, float[] xp, int[] shift, int t0, float[] wide, int ld) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int ai = pOff;
        for (int q = 0; q < k; q++, ai += MR) {
            int bi = shift[q] + t0;
            FloatVector b0 = FloatVector.fromArray(S, xp, bi);
            FloatVector b1 = FloatVector.fromArray(S, xp, bi + VL);
            FloatVector a0 = FloatVector.broadcast(S, packed[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, packed[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, packed[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, packed[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, packed[ai + 4]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, packed[ai + 5]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
            FloatVector a6 = FloatVector.broadcast(S, packed[ai + 6]);
            c60 = b0.fma(a6, c60);
            c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, packed[ai + 7]);
            c70 = b0.fma(a7, c70);
            c71 = b1.fma(a7, c71);
        }
        c00.intoArray(wide, t0);
        c01.intoArray(wide, t0 + VL);
        c10.intoArray(wide, ld + t0);
        c11.intoArray(wide, ld + t0 + VL);
        c20.intoArray(wide, 2 * ld + t0);
        c21.intoArray(wide, 2 * ld + t0 + VL);
        c30.intoArray(wide, 3 * ld + t0);
        c31.intoArray(wide, 3 * ld + t0 + VL);
        c40.intoArray(wide, 4 * ld + t0);
        c41.intoArray(wide, 4 * ld + t0 + VL);
        c50.intoArray(wide, 5 * ld + t0);
        c51.intoArray(wide, 5 * ld + t0 + VL);
        c60.intoArray(wide, 6 * ld + t0);
        c61.intoArray(wide, 6 * ld + t0 + VL);
        c70.intoArray(wide, 7 * ld + t0);
        c71.intoArray(wide, 7 * ld + t0 + VL);
    }

    /**
     * Copies the first {@code rows} wide rows (row stride {@code ld}, output row oh at {@code oh*Wp}) to y's
     * {@code [rows, OH, OW]} at {@code yOff}, dropping the columns {@code ow >= OW}. A row of at least a vector
     * goes as vectors, the last one overlapping the one before instead of masked.
     */
    private static void compact(Conv2dGeometry g, float[] wide, int ld, int wp, int rows, float[] y, int yOff) {
        int oh = g.outHeight(), ow = g.outWidth();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < oh; i++) {
                int src = r * ld + i * wp, dst = yOff + (r * oh + i) * ow;
                if (ow >= VL) {
                    for (int l = 0; l < ow - VL; l += VL) {
                        FloatVector.fromArray(S, wide, src + l).intoArray(y, dst + l);
                    }
                    FloatVector.fromArray(S, wide, src + ow - VL).intoArray(y, dst + ow - VL);
                } else {
                    System.arraycopy(wide, src, y, dst, ow);
                }
            }
        }
    }

    private static int roundUp(int v, int unit) {
        return (v + unit - 1) / unit * unit;
    }
}

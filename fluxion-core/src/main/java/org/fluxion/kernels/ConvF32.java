package org.fluxion.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * float32 bodies of {@link Conv2dKernels}: batched im2col + GEMM.
 *
 * <p>For one sample and group, with {@code K = Cg*kh*kw} and {@code P = OH*OW}, the im2col matrix is
 * {@code col[K, P]}, {@code col[(c*kh + i)*kw + j][oh*OW + ow] = x[c][oh*sh - ph + i*dh][ow*sw - pw + j*dw]}
 * (0 in the padding), and the three kernels are GEMMs on it:
 * <pre>
 *   y[Og, P]   = w[Og, K] · col[K, P]            (forward)
 *   dcol[K, P] = w[Og, K]^T · dy[Og, P]          (inputGrad; dx = Im2ColF32.col2im(dcol), a scatter-add)
 *   dw[Og, K] += dy[Og, P] · col[K, P]^T          (weightGrad, summed over samples)
 * </pre>
 *
 * <p>Per-sample GEMMs are small (P is often ~100) and repack the weights for every sample, so samples
 * are batched: the batch is cut into sub-batches of {@code S} samples which the threads claim one at a
 * time, and each thread lays the im2col matrices of its sub-batch side by side,
 * {@code col[C*kh*kw, S*P]} (group gi in rows {@code [gi*K, (gi+1)*K)}), and runs one serial GEMM per
 * group with {@code n = S*P} (forward, inputGrad) or {@code k = S*P} (weightGrad). y and dy go through a
 * buffer {@code [O, S*P]}, copied from/to their {@code [S, O, P]} layout. The forward's col is never written out:
 * it is packed straight into the GEMM's panels ({@link OffsetPacker}), from zero-padded copies of the input planes
 * when the convolution pads; so is the input gradient's dy where the GEMM runs serially, and the weight gradient's col,
 * packed into A of {@code dw^T} ({@link Im2ColPackA}) for geometries of width stride 1 (from zero-padded copies of
 * the planes when the convolution pads). A single chunk (a batch too small to split, or a {@link #weightBound} layer)
 * lets {@link Gemm} parallelize the GEMM instead. Small weight gradients are dot products ({@link SgemmDotNT}).
 *
 * <p>Three kinds of geometry skip the im2col matrix: a forward with few output pixels and many weights runs as dot
 * products ({@link ConvDotF32}), a 3x3 stride-1 forward with many channels by Winograd's algorithm
 * (F(4x4, 3x3), {@link ConvWinograd4F32}, where its 4x4 tiles mostly fit the plane, else F(2x2, 3x3),
 * {@link ConvWinogradF32}), and a stride-1 forward or input gradient on wide planes as an implicit GEMM over
 * zero-padded planes ({@link ConvShiftedF32}).
 *
 * <p>{@code ConvF64} computes the same in float64 with plain loops.
 */
final class ConvF32 {
    /** Below about this many multiply-adds per chunk a thread hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 17;
    /** Below this many multiply-adds a serial GEMM goes through {@link Gemm}'s plain loops. */
    private static final long TINY_GEMM = 4096;
    /** Floats an im2col buffer holds past its matrix: {@link Im2ColF32#im2col}'s last vector may spill there. */
    static final int COL_SLACK = FloatRuns.VL;
    /** Largest weight per group ({@code Og * Cg*kh*kw}) whose gradient goes through {@link SgemmDotNT}. */
    private static final int DOT_WEIGHT_GRAD_MAX = 2048;
    /**
     * Runs of sub-batches of the GEMM weight gradient, each summed into its own buffer: fixed, so that its sums do
     * not depend on the thread count; a few per thread so that a thread slowed by other load takes fewer.
     */
    private static final int WEIGHT_GRAD_LANES = 4;
    /** Units of samples of the dot-product weight gradient: fixed, so that its sums do not depend on the thread count. */
    private static final int DOT_UNITS = 8;
    /**
     * The choices of the float32 path that tests vary; production always runs {@link #TUNED}.
     *
     * @param packedOperands forward im2col and input-gradient dy written straight into the GEMM's packed
     *                       layout ({@link OffsetPacker}) instead of through a matrix, and so the weight
     *                       gradient's im2col where its GEMM runs serially ({@link Im2ColPackA})
     * @param transposedDw   the weight gradient computed as {@code dw^T} when {@code K > Og}, so that the
     *                       GEMM's transposing pack is of the smaller dy
     * @param subBatchFloats largest buffer ({@code max(C*kh*kw, O) * S*P} floats) one sub-batch may use;
     *                       a sub-batch holds at least one sample
     * @param shiftedForward the forward of the geometries {@link ConvShiftedF32} takes, and the input gradient of
     *                       those whose gradient is such a forward, run there, without im2col
     * @param winograd       the forward of the 3x3 stride-1 geometries {@link ConvWinograd4F32} or
     *                       {@link ConvWinogradF32} takes run there, by Winograd's F(4x4, 3x3) or F(2x2, 3x3)
     */
    record Tuning(boolean packedOperands, boolean transposedDw, int subBatchFloats, boolean shiftedForward,
                  boolean winograd) {
        /** The measured choices. Sub-batch buffers about L2-sized: larger ones measured no faster. */
        static final Tuning TUNED = new Tuning(true, true, 1 << 18, true, true);

        /** The choices before the implicit-GEMM forward: im2col and a GEMM for every forward. */
        Tuning(boolean packedOperands, boolean transposedDw, int subBatchFloats) {
            this(packedOperands, transposedDw, subBatchFloats, false, false);
        }

        /** The choices before the Winograd forward. */
        Tuning(boolean packedOperands, boolean transposedDw, int subBatchFloats, boolean shiftedForward) {
            this(packedOperands, transposedDw, subBatchFloats, shiftedForward, false);
        }

        /** These choices with the Winograd forward on or off. */
        Tuning withWinograd(boolean on) {
            return new Tuning(packedOperands, transposedDw, subBatchFloats, shiftedForward, on);
        }

        Tuning {
            if (subBatchFloats < 1) {
                throw new IllegalArgumentException("conv2d: subBatchFloats must be >= 1, got " + subBatchFloats);
            }
        }
    }

    /**
     * Per-thread buffers (im2col matrix, y/dy matrix, the weight gradient's zero-padded input planes), grown on demand
     * and kept: training repeats shapes.
     */
    private static final ThreadBuffers BUFFERS = new ThreadBuffers("conv2d: im2col buffer", 3);

    private ConvF32() {
    }

    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        forward(g, x, xOff, w, wOff, y, yOff, Tuning.TUNED);
    }

    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                        Tuning tuning) {
        forward(g, x, xOff, w, wOff, y, yOff, tuning, null);
    }

    /** The forward with an epilogue (or null), applied to each sub-batch's output as soon as it is written. */
    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                        Tuning tuning, Conv2dEpilogue epilogue) {
        int nb = g.batch();
        int cg = g.inPerGroup(), og = g.outPerGroup(), cin = g.inChannels(), cout = g.outChannels();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        boolean pointwise = g.isPointwise();
        if (nb == 0) {
            return;
        }
        if (ConvDotF32.applies(g)) {
            ConvDotF32.forward(g, x, xOff, w, wOff, y, yOff);
            if (epilogue != null) {
                epilogue.apply(g, y, yOff, 0, nb);
            }
            return;
        }
        if (tuning.winograd() && ConvWinograd4F32.applies(g)) {
            ConvWinograd4F32.forward(g, x, xOff, w, wOff, y, yOff, epilogue);
            return;
        }
        if (tuning.winograd() && ConvWinogradF32.applies(g)) {
            ConvWinogradF32.forward(g, x, xOff, w, wOff, y, yOff, epilogue);
            return;
        }
        if (tuning.shiftedForward() && ConvShiftedF32.applies(g)) {
            ConvShiftedF32.forward(g, x, xOff, w, wOff, y, yOff, epilogue);
            return;
        }
        boolean weightBound = weightBound(g);
        int chunks = weightBound ? 1 : Parallel.chunks(nb, grain(g));
        boolean serial = chunks > 1;
        int sb = weightBound ? weightBoundSubBatch(g) : subBatch(g, (nb + chunks - 1) / chunks, tuning.subBatchFloats());
        Units units = new Units(nb, sb);
        // im2col straight into the GEMM's packed B, from zero-padded copies of the planes when the input is padded
        boolean packed = tuning.packedOperands() && !pointwise;
        boolean padded = g.padH() > 0 || g.padW() > 0;
        Conv2dGeometry unpadded = padded ? Im2ColF32.onPaddedPlanes(g) : g;
        int planes = cg * unpadded.height() * unpadded.width();
        Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
            float[] col = packed ? (padded ? BUFFERS.get(0, (long) sb * planes) : null)
                    : BUFFERS.get(0, (long) g.groups() * k * sb * p + COL_SLACK);
            float[] yb = BUFFERS.get(1, (long) cout * sb * p);
            for (int u; (u = units.claim()) >= 0; ) {
                int n0 = units.start(u), cnt = units.start(u + 1) - n0, ld = cnt * p;
                boolean direct = cnt == 1; // y of one sample is [O, P] already
                if (!(pointwise && direct) && !packed) {
                    for (int gi = 0; gi < g.groups(); gi++) {
                        Im2ColF32.im2col(g, x, xOff + (n0 * cin + gi * cg) * hw, cin * hw, cnt, col, gi * k * ld, ld);
                    }
                }
                for (int gi = 0; gi < g.groups(); gi++) {
                    float[] c = direct ? y : yb;
                    int cOff = direct ? yOff + (n0 * cout + gi * og) * p : gi * og * ld;
                    if (packed) {
                        OffsetPacker b = padded
                                ? paddedIm2col(g, unpadded, x, xOff + (n0 * cin + gi * cg) * hw, cin * hw, cnt, col)
                                : OffsetPacker.im2col(g, x, xOff + (n0 * cin + gi * cg) * hw, cin * hw, cnt);
                        if (serial) {
                            Sgemm.gemm(false, og, ld, k, w, wOff + gi * og * k, k, b, c, cOff, ld, false);
                        } else {
                            Gemm.sgemmPacked(false, og, ld, k, w, wOff + gi * og * k, k, b, 1, null, 0, c, cOff, ld,
                                    false);
                        }
                        continue;
                    }
                    float[] b = pointwise && direct ? x : col;
                    int bOff = pointwise && direct ? xOff + (n0 * cin + gi * cg) * hw : gi * k * ld;
                    gemm(serial, false, false, og, ld, k, w, wOff + gi * og * k, k, b, bOff, ld, c, cOff, ld, false);
                }
                if (!direct) {
                    for (int s = 0; s < cnt; s++) {
                        for (int o = 0; o < cout; o++) {
                            System.arraycopy(yb, o * ld + s * p, y, yOff + ((n0 + s) * cout + o) * p, p);
                        }
                    }
                }
                if (epilogue != null) {
                    epilogue.apply(g, y, yOff, n0, cnt);
                }
            }
        });
    }

    /**
     * The packed im2col of {@code count} samples of one group of the padded geometry {@code g}: their planes copied
     * zero-padded into {@code xp} ({@link Im2ColF32#padPlanes}), then read as the {@code unpadded} geometry's.
     */
    private static OffsetPacker paddedIm2col(Conv2dGeometry g, Conv2dGeometry unpadded, float[] x, int xOff,
                                             int xStride, int count, float[] xp) {
        Im2ColF32.padPlanes(g, x, xOff, xStride, count, xp);
        int planes = g.inPerGroup() * unpadded.height() * unpadded.width();
        return OffsetPacker.im2col(unpadded, xp, 0, planes, count);
    }

    static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        inputGrad(g, dy, dyOff, w, wOff, dx, dxOff, Tuning.TUNED);
    }

    static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff,
                          Tuning tuning) {
        int nb = g.batch();
        int cg = g.inPerGroup(), og = g.outPerGroup(), cin = g.inChannels(), cout = g.outChannels();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        boolean pointwise = g.isPointwise();
        if (nb == 0) {
            return;
        }
        Conv2dGeometry gradGeometry = tuning.shiftedForward() ? ConvShiftedF32.inputGradGeometry(g) : null;
        if (gradGeometry != null && ConvShiftedF32.applies(gradGeometry)) {
            ConvShiftedF32.inputGrad(g, gradGeometry, dy, dyOff, w, wOff, dx, dxOff);
            return;
        }
        int chunks = Parallel.chunks(nb, grain(g));
        boolean serial = chunks > 1;
        int sb = subBatch(g, (nb + chunks - 1) / chunks, tuning.subBatchFloats());
        Units units = new Units(nb, sb);
        boolean packed = tuning.packedOperands() && (serial || Parallel.threads() == 1);
        Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
            float[] col = BUFFERS.get(0, (long) g.groups() * k * sb * p + COL_SLACK);
            float[] yb = BUFFERS.get(1, (long) cout * sb * p);
            for (int u; (u = units.claim()) >= 0; ) {
                int n0 = units.start(u), cnt = units.start(u + 1) - n0, ld = cnt * p;
                boolean direct = cnt == 1;
                if (!direct && !packed) {
                    gatherRows(dy, dyOff, yb, n0, cnt, cout, p);
                }
                for (int gi = 0; gi < g.groups(); gi++) {
                    if (!direct && packed) { // dy's rows of the sub-batch packed where they lie
                        Sgemm.gemm(true, k, ld, og, w, wOff + gi * og * k, k,
                                OffsetPacker.rows(dy, dyOff + (n0 * cout + gi * og) * p, og, p, cnt, cout * p, p),
                                col, gi * k * ld, ld, false);
                        continue;
                    }
                    float[] b = direct ? dy : yb;
                    int bOff = direct ? dyOff + (n0 * cout + gi * og) * p : gi * og * ld;
                    if (pointwise && direct) {
                        gemm(serial, true, false, k, p, og, w, wOff + gi * og * k, k, b, bOff, p,
                                dx, dxOff + (n0 * cin + gi * cg) * hw, p, false);
                    } else {
                        gemm(serial, true, false, k, ld, og, w, wOff + gi * og * k, k, b, bOff, ld,
                                col, gi * k * ld, ld, false);
                    }
                }
                if (!(pointwise && direct)) {
                    for (int s = 0; s < cnt; s++) {
                        for (int gi = 0; gi < g.groups(); gi++) {
                            Im2ColF32.col2im(g, col, gi * k * ld + s * p, ld, dx, dxOff + ((n0 + s) * cin + gi * cg) * hw);
                        }
                    }
                }
            }
        });
    }

    static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        weightGrad(g, x, xOff, dy, dyOff, dw, dwOff, Tuning.TUNED);
    }

    static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff,
                           Tuning tuning) {
        int nb = g.batch();
        int cg = g.inPerGroup(), og = g.outPerGroup(), cin = g.inChannels(), cout = g.outChannels();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        int wSize = g.weightSize();
        boolean pointwise = g.isPointwise();
        if (nb == 0) {
            Arrays.fill(dw, dwOff, dwOff + wSize, 0f);
            return;
        }
        if (useDotWeightGrad(g)) {
            weightGradDot(g, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        // Same bits for any thread count: the units (sub-batches) and their grouping into WEIGHT_GRAD_LANES lanes
        // (runs of consecutive units) do not depend on it; each lane sums its units in order into its own
        // buffer (lane 0 straight into dw), whichever worker claims it, and the lanes are added in order at the
        // end. (A buffer per unit cost an allocation, a transposition and an addition of the whole weight per
        // sub-batch: a third of the time of a CNN's 32 -> 64 channel layer at batch 64.)
        int sb = subBatch(g, nb, tuning.subBatchFloats());
        Units units = new Units(nb, sb);
        int lanes = Math.min(WEIGHT_GRAD_LANES, units.count);
        Units laneUnits = new Units(units.count, (units.count + lanes - 1) / lanes);
        int chunks = Math.min(Parallel.chunks(nb, grain(g)), laneUnits.count);
        boolean serial = chunks > 1;
        float[][] partials = new float[laneUnits.count][];
        Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
            float[] col = BUFFERS.get(0, (long) g.groups() * k * sb * p + COL_SLACK);
            float[] yb = BUFFERS.get(1, (long) cout * sb * p);
            boolean transposing = tuning.transposedDw() && k > og;
            // dw^T's A, the im2col matrix, packed straight from x where the GEMM runs here, serially; from zero-padded
            // copies of the sub-batch's planes when the convolution pads, as the forward does (paddedIm2col)
            boolean padded = g.padH() > 0 || g.padW() > 0;
            Conv2dGeometry unpadded = padded ? Im2ColF32.onPaddedPlanes(g) : g;
            int planes = cg * unpadded.height() * unpadded.width();
            boolean packedCol = transposing && serial && tuning.packedOperands() && Im2ColPackA.applies(unpadded);
            float[] xp = packedCol && padded ? BUFFERS.get(2, (long) sb * planes) : null;
            for (int lane; (lane = laneUnits.claim()) >= 0; ) {
                float[] acc = lane == 0 ? dw : new float[wSize];
                int accOff = lane == 0 ? dwOff : 0;
                float[] transposed = transposing ? new float[wSize] : null;
                for (int u = laneUnits.start(lane); u < laneUnits.start(lane + 1); u++) {
                    boolean add = u > laneUnits.start(lane);
                    int n0 = units.start(u), cnt = units.start(u + 1) - n0, ld = cnt * p;
                    boolean direct = cnt == 1;
                    boolean packA = packedCol && (long) k * og * ld >= TINY_GEMM;
                    if (!(pointwise && direct) && !packA) {
                        for (int gi = 0; gi < g.groups(); gi++) {
                            Im2ColF32.im2col(g, x, xOff + (n0 * cin + gi * cg) * hw, cin * hw, cnt, col, gi * k * ld, ld);
                        }
                    }
                    if (!direct) {
                        gatherRows(dy, dyOff, yb, n0, cnt, cout, p);
                    }
                    for (int gi = 0; gi < g.groups(); gi++) {
                        float[] a = direct ? dy : yb;
                        int aOff = direct ? dyOff + (n0 * cout + gi * og) * p : gi * og * ld;
                        float[] b = pointwise && direct ? x : col;
                        int bOff = pointwise && direct ? xOff + (n0 * cin + gi * cg) * hw : gi * k * ld;
                        if (packA) {
                            int xs = xOff + (n0 * cin + gi * cg) * hw;
                            if (padded) {
                                Im2ColF32.padPlanes(g, x, xs, cin * hw, cnt, xp);
                            }
                            Sgemm.gemm(k, og, ld, padded ? Im2ColPackA.of(unpadded, xp, 0, planes)
                                            : Im2ColPackA.of(g, x, xs, cin * hw),
                                    Sgemm.BPacker.of(true, a, aOff, ld), transposed, gi * og * k, og, add);
                        } else if (transposed != null) {
                            // dw^T[K, Og] = col[K, L] · dy[Og, L]^T: the transposing pack is of the smaller dy
                            gemm(serial, false, true, k, og, ld, b, bOff, ld, a, aOff, ld,
                                    transposed, gi * og * k, og, add);
                        } else {
                            gemm(serial, false, true, og, k, ld, a, aOff, ld, b, bOff, ld,
                                    acc, accOff + gi * og * k, k, add);
                        }
                    }
                }
                if (transposed != null) {
                    for (int gi = 0; gi < g.groups(); gi++) {
                        int base = gi * og * k;
                        for (int o = 0; o < og; o++) {
                            for (int t = 0; t < k; t++) {
                                acc[accOff + base + o * k + t] = transposed[base + t * og + o];
                            }
                        }
                    }
                }
                partials[lane] = acc;
            }
        });
        for (int lane = 1; lane < laneUnits.count; lane++) {
            float[] part = partials[lane];
            for (int i = 0; i < wSize; i++) {
                dw[dwOff + i] += part[i];
            }
        }
    }

    /**
     * True when the weight gradient is better computed as dot products over each sample's pixels
     * ({@link SgemmDotNT}) than by the packed GEMM: a small weight per group, which the GEMM would pad to
     * whole register tiles and repack for every sample (the first layer of an image network).
     */
    static boolean useDotWeightGrad(Conv2dGeometry g) {
        int k = g.inPerGroup() * g.kernelH() * g.kernelW();
        return (long) g.outPerGroup() * k <= DOT_WEIGHT_GRAD_MAX && k < Sgemm.NR
                && g.outHeight() * g.outWidth() >= 4 * SgemmDotNT.VL;
    }

    /**
     * {@code dw[gi][Og, K] = sum_n dy[n, gi][Og, P] · col(x[n, gi])[K, P]^T} per sample, from dy as it
     * lies: each chunk of samples keeps per-lane partial sums, reduced over lanes and chunks at the end.
     */
    private static void weightGradDot(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                      float[] dw, int dwOff) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), cin = g.inChannels(), cout = g.outChannels();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        int groups = g.groups(), vl = SgemmDotNT.VL;
        boolean pointwise = g.isPointwise();
        // Same bits for any thread count: DOT_UNITS units of samples whatever the thread count, each with its
        // own per-lane sums, added in unit order.
        Units units = new Units(g.batch(), Math.max(1, g.batch() / DOT_UNITS));
        int chunks = Math.min(Parallel.chunks(g.batch(), grain(g)), units.count);
        int partSize = groups * og * k * vl;
        float[][] partials = new float[units.count][];
        Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
            float[] col = pointwise ? null : BUFFERS.get(0, (long) k * p + COL_SLACK);
            for (int u; (u = units.claim()) >= 0; ) {
                float[] part = new float[partSize];
                for (int n = units.start(u); n < units.start(u + 1); n++) {
                    for (int gi = 0; gi < groups; gi++) {
                        float[] b = pointwise ? x : col;
                        int bOff = pointwise ? xOff + (n * cin + gi * cg) * hw : 0;
                        if (!pointwise) {
                            Im2ColF32.im2col(g, x, xOff + (n * cin + gi * cg) * hw, cin * hw, 1, col, 0, p);
                        }
                        SgemmDotNT.accumulate(og, k, p, dy, dyOff + (n * cout + gi * og) * p, p, b, bOff, p,
                                part, gi * og * k * vl);
                    }
                }
                partials[u] = part;
            }
        });
        float[] sum = partials[0];
        for (int u = 1; u < units.count; u++) {
            float[] part = partials[u];
            for (int i = 0; i < partSize; i++) {
                sum[i] += part[i];
            }
        }
        SgemmDotNT.reduce(groups * og, k, sum, 0, dw, dwOff, k);
    }

    /**
     * The batch cut into nearly equal units of at most {@code sb} samples, claimed one at a time by
     * the chunks of a parallel loop: a thread slowed by other load on the machine takes fewer units
     * instead of holding up the others with a fixed half of the batch.
     */
    private static final class Units {
        private final int batch;
        private final int count;
        private final AtomicInteger next = new AtomicInteger();

        Units(int batch, int sb) {
            this.batch = batch;
            this.count = (batch + sb - 1) / sb;
        }

        /** The next unclaimed unit, or -1 when none is left. */
        int claim() {
            int u = next.getAndIncrement();
            return u < count ? u : -1;
        }

        /** First sample of unit {@code u}; {@code start(count)} is the batch size. */
        int start(int u) {
            return (int) ((long) batch * u / count);
        }
    }

    /** Copies dy of samples {@code [n0, n0+cnt)}, laid out {@code [cnt, O, P]}, into {@code yb[O, cnt*P]}. */
    private static void gatherRows(float[] dy, int dyOff, float[] yb, int n0, int cnt, int cout, int p) {
        int ld = cnt * p;
        for (int s = 0; s < cnt; s++) {
            for (int o = 0; o < cout; o++) {
                System.arraycopy(dy, dyOff + ((n0 + s) * cout + o) * p, yb, o * ld + s * p, p);
            }
        }
    }

    /**
     * A GEMM inside a batch chunk: serial when the batch is already split over the threads (a nested
     * split from the calling thread would only queue behind the other chunks), else {@link Gemm}'s own.
     */
    private static void gemm(boolean serial, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (serial && m > 0 && n > 0 && k > 0 && (long) m * n * k >= TINY_GEMM) {
            Sgemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            Gemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * Samples per sub-batch for a chunk of {@code count} samples: balanced, buffers under
     * {@code subBatchFloats} ({@link Tuning}). One when the weights are small next to a sample's output
     * (as with one input channel): then repacking them per sample is cheap, and the y/dy copies would
     * cost more than they save.
     */
    static int subBatch(Conv2dGeometry g, int count, int subBatchFloats) {
        if (4L * g.weightSize() < (long) g.outChannels() * g.outHeight() * g.outWidth()) {
            return 1;
        }
        long rows = Math.max((long) g.inChannels() * g.kernelH() * g.kernelW(), g.outChannels());
        long perSample = Math.max(1, rows * g.outHeight() * g.outWidth());
        int max = (int) Math.max(1, Math.min(count, subBatchFloats / perSample));
        int pieces = (count + max - 1) / max;
        return Math.max(1, (count + pieces - 1) / pieces);
    }

    /**
     * True when the forward's weights outweigh the im2col matrices of the whole batch (the deep stages of a CNN:
     * 512 channels of 3x3 on a 2x2 plane hold 2.4M weights against 18K columns per sample). Each sub-batch's
     * GEMM packs all of the weights and streams them for only a few columns, so such a layer runs the batch
     * in as few sub-batches as {@link #WEIGHT_BOUND_FLOATS} allows, each one GEMM that {@link Gemm} splits over
     * the threads by rows of the weights (each thread packs only its share), instead of a sub-batch per thread.
     */
    static boolean weightBound(Conv2dGeometry g) {
        long perSample = (long) g.inChannels() * g.kernelH() * g.kernelW() * g.outHeight() * g.outWidth();
        return g.batch() > 1 && !g.isPointwise() && 2L * g.weightSize() >= perSample * g.batch();
    }

    /** Largest sub-batch buffer ({@code max(C*kh*kw, O) * S*P} floats, 16 MiB) of a {@link #weightBound} layer. */
    private static final int WEIGHT_BOUND_FLOATS = 1 << 22;

    /** Samples per sub-batch of a {@link #weightBound} forward: the whole batch when its buffers fit, else balanced. */
    static int weightBoundSubBatch(Conv2dGeometry g) {
        long rows = Math.max((long) g.inChannels() * g.kernelH() * g.kernelW(), g.outChannels());
        long perSample = Math.max(1, rows * g.outHeight() * g.outWidth());
        int max = (int) Math.max(1, Math.min(g.batch(), WEIGHT_BOUND_FLOATS / perSample));
        int pieces = (g.batch() + max - 1) / max;
        return (g.batch() + pieces - 1) / pieces;
    }

    /** Samples per chunk so that a chunk holds at least {@link #MIN_PARALLEL_WORK} multiply-adds. */
    private static int grain(Conv2dGeometry g) {
        long perSample = (long) g.outChannels() * g.inPerGroup() * g.kernelH() * g.kernelW()
                * g.outHeight() * g.outWidth();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, MIN_PARALLEL_WORK / Math.max(1, perSample)));
    }
}

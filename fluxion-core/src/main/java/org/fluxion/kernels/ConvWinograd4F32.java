package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 conv2d forward of a 3x3, stride-1, undilated, ungrouped convolution by Winograd's minimal filtering
 * F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016; interpolation points 0,
 * ±1, ±2 and infinity): 36 multiplications per 4x4 output tile and input-output channel pair, against 144 for the
 * direct convolution and 64 for the same outputs by F(2x2, 3x3) ({@link ConvWinogradF32}), whose transformed inputs
 * and products are also 16/9 as large per output.
 *
 * <p>The output {@code [OH, OW]} of each sample is cut into {@code TH x TW} tiles of 4x4 ({@code TH = ceil(OH/4)},
 * {@code TW = ceil(OW/4)}; outputs of the last tiles past OH or OW are dropped). Tile {@code (i, j)} reads the 6x6
 * patch {@code d[c]} of input rows {@code 4i - ph ..} and columns {@code 4j - pw ..} (0 outside the input). With
 * <pre>
 *        |  1/4     0     0 |          | 4  0 -5  0  1  0 |
 *        | -1/6  -1/6  -1/6 |          | 0 -4 -4  1  1  0 |          | 1  1  1  1  1  0 |
 *   G =  | -1/6   1/6  -1/6 |   B^T =  | 0  4 -4 -1  1  0 |   A^T =  | 0  1 -1  2 -2  0 |
 *        | 1/24  1/12   1/6 |          | 0 -2 -1  2  1  0 |          | 0  1  1  4  4  0 |
 *        | 1/24 -1/12   1/6 |          | 0  2 -1 -2  1  0 |          | 0  1 -1  8 -8  1 |
 *        |    0     0     1 |          | 0  4  0 -5  0  1 |
 * </pre>
 * and {@code t = 6*xi + nu} one of the 36 positions of a 6x6 transform,
 * <pre>
 *   U[t][o, c]       = (G w[o, c] G^T)[xi, nu]                   weights, [36][O, C]
 *   V[t][c, tile]    = (B^T d[c, tile] B)[xi, nu]                inputs,  [36][C, T]
 *   M[t][o, tile]    = sum_c U[t][o, c] * V[t][c, tile]          36 GEMMs [O, C] x [C, T]
 *   y[o, tile]       = A^T M[.][o, tile] A                       the 4x4 outputs
 * </pre>
 * Each transform runs on vectors of independent lanes: the weights of consecutive {@code (o, c)} pairs (gathered 9
 * floats apart), and the tiles of one channel, numbered (tile row, sample, tile column) so that they are runs of
 * decimated copies of the planes ({@link #transformInputs}), their outputs scattered into y. Chunks, threads and GEMMs
 * as {@link WinogradChunks} schedules them: the bits do not depend on the thread count.
 *
 * <p>The larger transform entries (up to 8 and 1/24) round more than F(2x2, 3x3)'s: errors of a few float32 ulps of
 * the sums of absolute products, times about ten.
 */
final class ConvWinograd4F32 {
    /** Positions of a 6x6 transform: the number of GEMMs. */
    private static final int POSITIONS = 36;
    /** Fewest input and output channels taken, as {@link ConvWinogradF32#MIN_CHANNELS}. */
    static final int MIN_CHANNELS = 48;
    /**
     * Fewest 4x4 tiles in all (batch times tiles per sample): U costs about as much as 30 columns of the GEMMs.
     * Measured at 256 channels on two threads: 32 tiles (batch 32 on 4x4 planes) 0.7x the im2col time, 16 (batch 1
     * on 14x14) 2x.
     */
    static final int MIN_TILES = 32;
    /**
     * V and M of a chunk in floats ({@code 36*(C+O)*T}): about half the L2 cache, as F(2x2)'s. In ResNet-18 at batch 32
     * on two threads twice as large was 1-2% slower (same-JVM A/B), its 64-channel 16x16 layer alone 1.2x.
     */
    private static final int CHUNK_FLOATS = 1 << 18;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Lane offsets of consecutive 3x3 kernels in w: {@code 9 * lane}. */
    private static final int[] KERNEL_STRIDE = new int[VL];

    static {
        for (int l = 0; l < VL; l++) {
            KERNEL_STRIDE[l] = 9 * l;
        }
    }

    /** Per-thread scratch: padded planes, row-transformed planes, V, M; and the calling thread's U (slot 4). */
    private static final ThreadBuffers BUFFERS = new ThreadBuffers("conv2d: Winograd F(4x4) buffer", 5);
    /** Per-thread scatter indices: where each tile's outputs start in y. */
    private static final ThreadLocal<int[][]> INDICES = ThreadLocal.withInitial(() -> new int[1][0]);

    private ConvWinograd4F32() {
    }

    /** True for a geometry {@link #forward} computes: 3x3, stride 1, undilated, ungrouped. */
    static boolean supports(Conv2dGeometry g) {
        return ConvWinogradF32.supports(g);
    }

    /**
     * True for a {@link #supports supported} geometry with enough channels and tiles to pay, whose tiles are mostly
     * inside the plane (at least 3/4 of their outputs: a 2x2 plane would compute 16 outputs for 4).
     */
    static boolean applies(Conv2dGeometry g) {
        int p = tiles(g);
        return supports(g) && g.inChannels() >= MIN_CHANNELS && g.outChannels() >= MIN_CHANNELS
                && (long) g.batch() * p >= MIN_TILES && 4L * g.outHeight() * g.outWidth() >= 3L * 16 * p;
    }

    /** Tiles per sample, {@code ceil(OH/4) * ceil(OW/4)}. */
    private static int tiles(Conv2dGeometry g) {
        return ((g.outHeight() + 3) / 4) * ((g.outWidth() + 3) / 4);
    }

    /**
     * Samples per chunk, as {@link ConvWinogradF32#chunkSamples} for 36 positions and 4x4 tiles, rounded up (within
     * twice the budget and the batch) so that the tiles of a chunk fill whole GEMM panels: a partial panel's tiles
     * are computed into scratch and copied out element by element.
     */
    static int chunkSamples(Conv2dGeometry g) {
        int p = tiles(g);
        long perSample = (long) POSITIONS * (g.inChannels() + g.outChannels()) * p;
        long budget = Math.max(CHUNK_FLOATS, (long) POSITIONS * g.inChannels() * g.outChannels());
        int max = (int) Math.max(1, Math.min(g.batch(), budget / perSample));
        int chunks = (g.batch() + max - 1) / max;
        int sb = (g.batch() + chunks - 1) / chunks;
        int unit = Sgemm.NR / gcd(p, Sgemm.NR);
        int whole = (sb + unit - 1) / unit * unit;
        return whole <= g.batch() && whole * perSample <= 2 * budget ? whole : sb;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * y {@code [N, O, OH, OW]} = conv2d(x, w), then the epilogue (or null) per chunk; x {@code [N, C, H, W]}, w
     * {@code [O, C, 3, 3]}. Requires {@link #supports}.
     */
    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                        Conv2dEpilogue epilogue) {
        int cin = g.inChannels(), cout = g.outChannels(), p = tiles(g);
        int us = WinogradChunks.positionStride(cout * cin);
        float[] u = BUFFERS.get(4, (long) POSITIONS * us); // every element a GEMM reads is written first
        Parallel.forRange(cout, Math.max(1, 1024 / cin),
                (o0, o1) -> transformWeights(w, wOff, o0 * cin, o1 * cin, u, us));
        WinogradChunks.run(g, POSITIONS, p, chunkSamples(g), u, us, BUFFERS, 2, ConvWinograd4F32::transformInputs,
                ConvWinograd4F32::transformOutputs, x, xOff, y, yOff, epilogue);
    }

    /**
     * {@code U[t][o, c] = (G w[o, c] G^T)[xi, nu]} for the flat pairs {@code k = o*C + c} in {@code [k0, k1)}, a vector
     * of consecutive pairs at a time (their kernels 9 floats apart in w): {@code a = G w} down the kernel's columns,
     * then each row of {@code a} times {@code G^T}. {@code U[t]} is at {@code t*plane}.
     */
    static void transformWeights(float[] w, int wOff, int k0, int k1, float[] u, int plane) {
        float[] t = BUFFERS.get(0, 27L * VL); // the taps w[a][b] at (3a + b)*VL, then (G w)[xi][b] at (9 + 3xi + b)*VL
        VectorMask<Float> all = S.maskAll(true);
        for (int k = k0; k < k1; k += VL) {
            VectorMask<Float> in = S.indexInRange(k, k1);
            // a gather checks the index of every lane, masked or not: past the end, lanes re-read the first kernel
            int[] stride = k + VL <= k1 ? KERNEL_STRIDE : tailStride(k1 - k);
            for (int e = 0; e < 9; e++) {
                FloatVector.fromArray(S, w, wOff + 9 * k + e, stride, 0).intoArray(t, e * VL);
            }
            for (int b = 0; b < 3; b++) {
                filterRows(t, b * VL, 3 * VL, t, (9 + b) * VL, 3 * VL, all);
            }
            for (int xi = 0; xi < 6; xi++) {
                filterRows(t, (9 + 3 * xi) * VL, VL, u, 6 * xi * plane + k, plane, in);
            }
        }
    }

    /** {@link #KERNEL_STRIDE} for the first {@code lanes} lanes, 0 for the others. */
    private static int[] tailStride(int lanes) {
        int[] stride = new int[VL];
        for (int l = 0; l < lanes; l++) {
            stride[l] = 9 * l;
        }
        return stride;
    }

    /**
     * {@code G (g0, g1, g2)^T} of the vectors at {@code src[s0]}, {@code src[s0 + sStride]} and
     * {@code src[s0 + 2sStride]}, its six rows stored (the lanes of {@code in}) at {@code out[o0]},
     * {@code out[o0 + oStride]}, ...: {@code g0/4}, {@code -(g0 + g2 ± g1)/6}, {@code g0/24 + g2/6 ± g1/12},
     * {@code g2}. Vectors never cross a call: a method that C2 did not inline would box them.
     */
    private static void filterRows(float[] src, int s0, int sStride, float[] out, int o0, int oStride,
                                   VectorMask<Float> in) {
        FloatVector g0 = FloatVector.fromArray(S, src, s0);
        FloatVector g1 = FloatVector.fromArray(S, src, s0 + sStride);
        FloatVector g2 = FloatVector.fromArray(S, src, s0 + 2 * sStride);
        FloatVector s02 = g0.add(g2), p = g0.mul(1f / 24).add(g2.mul(1f / 6)), q = g1.mul(1f / 12);
        g0.mul(0.25f).intoArray(out, o0, in);
        s02.add(g1).mul(-1f / 6).intoArray(out, o0 + oStride, in);
        s02.sub(g1).mul(-1f / 6).intoArray(out, o0 + 2 * oStride, in);
        p.add(q).intoArray(out, o0 + 3 * oStride, in);
        p.sub(q).intoArray(out, o0 + 4 * oStride, in);
        g2.intoArray(out, o0 + 5 * oStride, in);
    }

    /**
     * {@code V[t][c, tile] = (B^T d B)[xi, nu]} for channels {@code [c0, c1)} of samples {@code [n0, n0 + cnt)},
     * {@code V[t]} at {@code t*position}. Tiles are numbered {@code (i*cnt + s)*TW + j} (tile row, sample, tile
     * column), so that the windows' rows are runs: each channel is first decimated into the planes
     * {@code P[b][a][ii][s][j] = d[s][4*ii + a][4j + b]} ({@code b < 6}, {@code a < 4}, {@code ii <= TH}; d the
     * zero-padded input), where row {@code a} of the windows of tile row i is {@code P[b][a % 4][i + a / 4]}: a run
     * over the tiles. Then, a vector of tiles at a time, {@code z = d B} along each of the six rows of the windows, and
     * {@code B^T z} down their columns.
     */
    static void transformInputs(Conv2dGeometry g, float[] x, int xOff, int n0, int cnt, int c0, int c1, float[] v,
                                int position) {
        int h = g.height(), wd = g.width(), ph = g.padH(), pw = g.padW(), cin = g.inChannels();
        int th = (g.outHeight() + 3) / 4, tw = (g.outWidth() + 3) / 4, tc = cnt * th * tw, run = cnt * tw;
        int phase = (th + 1) * run; // P[b][a] at (b*4 + a)*phase
        float[] pad = BUFFERS.get(0, 24L * phase + VL);
        float[] z = BUFFERS.get(1, 36L * VL); // z[a][nu] at (6*a + nu)*VL
        // Zero once: the positions outside the input are the same for every channel, the others are overwritten.
        java.util.Arrays.fill(pad, 0, 24 * phase + VL, 0f);
        for (int c = c0; c < c1; c++) {
            for (int s = 0; s < cnt; s++) {
                int plane = xOff + ((n0 + s) * cin + c) * h * wd;
                for (int ih = 0; ih < h; ih++) {
                    int r = ih + ph, row = plane + ih * wd;
                    int at = ((r % 4) * (th + 1) + r / 4) * run + s * tw;
                    // input column iw is padded column iw + pw = 4j + b: in P[b][j], and, for b < 2, in P[b + 4][j - 1]
                    for (int iw = 0; iw < wd; iw++) {
                        int col = iw + pw, b = col & 3, j = col >> 2;
                        float value = x[row + iw];
                        if (j < tw) { // the last columns of the last windows start no tile of their own
                            pad[at + b * 4 * phase + j] = value;
                        }
                        if (b < 2 && j > 0) {
                            pad[at + (b + 4) * 4 * phase + j - 1] = value;
                        }
                    }
                }
            }
            int out = c * tc;
            for (int k = 0; k < tc; k += VL) {
                VectorMask<Float> in = k + VL <= tc ? null : S.indexInRange(k, tc); // null: every lane
                for (int a = 0; a < 6; a++) {
                    dataRows(pad, ((a % 4) * (th + 1) + a / 4) * run + k, 4 * phase, z, 6 * a * VL, VL, null);
                }
                for (int nu = 0; nu < 6; nu++) {
                    dataRows(z, nu * VL, 6 * VL, v, nu * position + out + k, 6 * position, in);
                }
            }
        }
    }

    /**
     * {@code B^T (d0..d5)} of the vectors at {@code src[s0 + r*sStride]}, stored (the lanes of {@code in}; every lane
     * when it is null) at {@code out[o0 + r*oStride]}: {@code 4d0 - 5d2 + d4}, {@code (d4 - 4d2) ± (d3 - 4d1)},
     * {@code (d4 - d2) ± 2(d3 - d1)}, {@code 4d1 - 5d3 + d5}.
     */
    private static void dataRows(float[] src, int s0, int sStride, float[] out, int o0, int oStride,
                                 VectorMask<Float> in) {
        FloatVector d0 = FloatVector.fromArray(S, src, s0);
        FloatVector d1 = FloatVector.fromArray(S, src, s0 + sStride);
        FloatVector d2 = FloatVector.fromArray(S, src, s0 + 2 * sStride);
        FloatVector d3 = FloatVector.fromArray(S, src, s0 + 3 * sStride);
        FloatVector d4 = FloatVector.fromArray(S, src, s0 + 4 * sStride);
        FloatVector d5 = FloatVector.fromArray(S, src, s0 + 5 * sStride);
        FloatVector t1 = d2.mul(-4f).add(d4), t2 = d1.mul(-4f).add(d3);
        FloatVector t3 = d4.sub(d2), t4 = d3.sub(d1).mul(2f);
        FloatVector r0 = d0.mul(4f).add(d2.mul(-5f).add(d4)), r5 = d1.mul(4f).add(d3.mul(-5f).add(d5));
        if (in == null) {
            r0.intoArray(out, o0);
            t1.add(t2).intoArray(out, o0 + oStride);
            t1.sub(t2).intoArray(out, o0 + 2 * oStride);
            t3.add(t4).intoArray(out, o0 + 3 * oStride);
            t3.sub(t4).intoArray(out, o0 + 4 * oStride);
            r5.intoArray(out, o0 + 5 * oStride);
            return;
        }
        r0.intoArray(out, o0, in);
        t1.add(t2).intoArray(out, o0 + oStride, in);
        t1.sub(t2).intoArray(out, o0 + 2 * oStride, in);
        t3.add(t4).intoArray(out, o0 + 3 * oStride, in);
        t3.sub(t4).intoArray(out, o0 + 4 * oStride, in);
        r5.intoArray(out, o0 + 5 * oStride, in);
    }

    /**
     * {@code y[s, o] = A^T M[.][o, tile] A} for output channels {@code [o0, o1)} of samples {@code [n0, n0 + cnt)},
     * {@code M[t]} at {@code t*position}, a vector of tiles at a time: {@code A^T} along each row {@code xi} of M
     * ({@code e[xi][b]}, b the output column), then down the columns, the 16 outputs of each tile scattered into y
     * (masked where a tile sticks out of the plane).
     */
    static void transformOutputs(Conv2dGeometry g, float[] m, int position, int n0, int cnt, int o0, int o1,
                                 float[] y, int yOff) {
        int oh = g.outHeight(), ow = g.outWidth(), cout = g.outChannels(), plane = oh * ow;
        int th = (oh + 3) / 4, tw = (ow + 3) / 4, p = th * tw, tc = cnt * p;
        int[][] idx = INDICES.get();
        int[] outAt = indices(idx, 0, tc);
        for (int k = 0; k < tc; k++) { // k = (i*cnt + s)*tw + j: the output at row 4i, column 4j of sample s
            int i = k / (cnt * tw), s = k / tw % cnt;
            outAt[k] = s * cout * plane + 4 * i * ow + 4 * (k % tw);
        }
        java.util.Arrays.fill(outAt, tc, outAt.length, 0);
        boolean whole = oh % 4 == 0 && ow % 4 == 0;
        float[] e = BUFFERS.get(0, 28L * VL); // e[xi][b] at (4*xi + b)*VL, then a column of outputs
        for (int o = o0; o < o1; o++) {
            int base = yOff + (n0 * cout + o) * plane;
            for (int k = 0; k < tc; k += VL) {
                VectorMask<Float> in = S.indexInRange(k, tc);
                boolean inside = whole || tilesInside(k, tc, cnt, tw, oh, ow);
                int at = o * tc + k;
                for (int xi = 0; xi < 6; xi++) {
                    outputRows(m, 6 * xi * position + at, position, e, 4 * xi * VL, VL);
                }
                for (int b = 0; b < 4; b++) {
                    int t0 = 24 * VL;
                    outputRows(e, b * VL, 4 * VL, e, t0, VL);
                    int col = base + b;
                    if (inside) {
                        for (int a = 0; a < 4; a++) {
                            FloatVector.fromArray(S, e, t0 + a * VL).intoArray(y, col + a * ow, outAt, k, in);
                        }
                        continue;
                    }
                    // A tile sticks out: a scatter checks every lane's index, kept or not, so store lane by lane.
                    for (int l = 0; l < VL && k + l < tc; l++) {
                        int oi = 4 * ((k + l) / (cnt * tw)), oj = 4 * ((k + l) % tw) + b;
                        for (int a = 0; a < 4 && oi + a < oh && oj < ow; a++) {
                            y[col + a * ow + outAt[k + l]] = e[t0 + a * VL + l];
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code A^T (m0..m5)} of the vectors at {@code src[s0 + r*sStride]}, stored at {@code out[o0 + a*oStride]}:
     * {@code m0 + s12 + s34}, {@code d12 + 2 d34}, {@code s12 + 4 s34}, {@code d12 + 8 d34 + m5} (s12 = m1 + m2, d12 =
     * m1 - m2, s34 = m3 + m4, d34 = m3 - m4).
     */
    private static void outputRows(float[] src, int s0, int sStride, float[] out, int o0, int oStride) {
        FloatVector m0 = FloatVector.fromArray(S, src, s0);
        FloatVector m1 = FloatVector.fromArray(S, src, s0 + sStride);
        FloatVector m2 = FloatVector.fromArray(S, src, s0 + 2 * sStride);
        FloatVector m3 = FloatVector.fromArray(S, src, s0 + 3 * sStride);
        FloatVector m4 = FloatVector.fromArray(S, src, s0 + 4 * sStride);
        FloatVector m5 = FloatVector.fromArray(S, src, s0 + 5 * sStride);
        FloatVector s12 = m1.add(m2), d12 = m1.sub(m2), s34 = m3.add(m4), d34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(out, o0);
        d34.mul(2f).add(d12).intoArray(out, o0 + oStride);
        s34.mul(4f).add(s12).intoArray(out, o0 + 2 * oStride);
        d34.mul(8f).add(d12).add(m5).intoArray(out, o0 + 3 * oStride);
    }

    /**
     * True when the tiles {@code [k0, min(k0 + VL, tc))} (numbered as {@link #transformInputs}) lie inside the plane.
     */
    private static boolean tilesInside(int k0, int tc, int cnt, int tw, int oh, int ow) {
        for (int k = k0; k < Math.min(k0 + VL, tc); k++) {
            if (4 * (k / (cnt * tw)) + 3 >= oh || 4 * (k % tw) + 3 >= ow) {
                return false;
            }
        }
        return true;
    }

    /** Slot {@code slot} of this thread's index arrays, at least {@code n} rounded up to whole vectors. */
    private static int[] indices(int[][] idx, int slot, int n) {
        int size = (n + VL - 1) / VL * VL;
        if (idx[slot].length < size) {
            idx[slot] = new int[size];
        }
        return idx[slot];
    }
}

package org.fluxion.kernels;

import java.util.Arrays;

/**
 * float32 conv2d forward of a 3x3, stride-1, undilated, ungrouped convolution by Winograd's minimal filtering
 * F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): 16 multiplications per
 * 2x2 output tile and input-output channel pair instead of 36, the rest additions that are amortized over the
 * channels.
 *
 * <p>The output {@code [OH, OW]} of each sample is cut into {@code TH x TW} tiles of 2x2 ({@code TH = ceil(OH/2)},
 * {@code TW = ceil(OW/2)}; the last row and column of tiles may stick out, their extra outputs dropped). Tile
 * {@code (i, j)} reads the 4x4 patch {@code d[c]} of input rows {@code 2i - ph ..} and columns {@code 2j - pw ..}
 * (0 outside the input). With
 * <pre>
 *        | 1  0  0 |          | 1  0 -1  0 |
 *   G =  | ½  ½  ½ |   B^T =  | 0  1  1  0 |   A^T = | 1  1  1  0 |
 *        | ½ -½  ½ |          | 0 -1  1  0 |         | 0  1 -1 -1 |
 *        | 0  0  1 |          | 0  1  0 -1 |
 * </pre>
 * and {@code t = 4*xi + nu} one of the 16 positions of a 4x4 transform,
 * <pre>
 *   U[t][o, c]       = (G w[o, c] G^T)[xi, nu]                   weights, [16][O, C]
 *   V[t][c, tile]    = (B^T d[c, tile] B)[xi, nu]                inputs,  [16][C, T]
 *   M[t][o, tile]    = sum_c U[t][o, c] * V[t][c, tile]          16 GEMMs [O, C] x [C, T]
 *   y[o, tile]       = A^T M[.][o, tile] A                       the 2x2 outputs
 * </pre>
 * The tiles T of a GEMM are those of a run of samples (a chunk) whose V and M stay about cache-sized, or, where the
 * weights outweigh them (a network's deep stages), whose V and M are about as large as U, so that U is streamed for
 * many tiles. Chunks do not depend on the thread count and each GEMM runs serially ({@link Sgemm#gemm}), so the bits
 * do not either. Many chunks: threads claim chunks; few: the threads share each chunk's transforms and its 16 GEMMs.
 *
 * <p>The rounding differs from the direct convolution's (the transforms add and subtract inputs before the
 * products): errors stay within a few float32 ulps of the sums of absolute products for the small transforms of
 * F(2x2, 3x3).
 */
final class ConvWinogradF32 {
    /** Positions of a 4x4 transform: the number of GEMMs. */
    private static final int POSITIONS = 16;
    /**
     * Fewest input and output channels taken: the transforms cost about {@code 16*(C+O)} additions per tile against
     * {@code 16*O*C} multiply-adds of GEMM, and narrow GEMMs run far below peak. Measured at batch 32 on 16x16 planes
     * (one thread, against im2col or the implicit GEMM): 16 channels 0.64x, 32 0.98x, 48 1.32x, 64 1.43x.
     */
    static final int MIN_CHANNELS = 48;
    /**
     * Fewest tiles in all (batch times tiles per sample): the weight transform and each GEMM's packing of U cost about
     * as much as {@code T} columns of the GEMM. Measured on ResNet-18's stages at 64x64, batch 32: one thread gains
     * 1.3-1.4x on the 16x16 (2048 tiles) and 8x8 (512) planes, breaks even on 4x4 (128) and loses 2x on 2x2 (32); in
     * the network on two threads (which share the 16 GEMMs of a weight-heavy layer) 4x4 seemed to gain 1.4x and 2x2
     * still loses 1.5x. Batch 1 loses on 16x16 (64 tiles) and 8x8 (16). Measured again alone with the im2col path
     * packing straight into the GEMM's panels, 256 channels on 4x4 planes at batch 32 (128 tiles) took 0.96-1.29x the
     * im2col time on two threads (three runs) and 1.22x on one, so 128 tiles are left to im2col.
     */
    static final int MIN_TILES = 256;
    /** V and M of a chunk in floats ({@code 16*(C+O)*T}): about the L2 cache, as {@link ConvF32}'s sub-batches. */
    private static final int CHUNK_FLOATS = 1 << 18;

    /**
     * Per-thread V, M and transform scratch, and the calling thread's U (which the workers read), grown on demand and
     * kept: a network's forward allocated U afresh for each layer at each call (4.8 MB per ResNet-18 call at batch 32).
     */
    private static final ThreadBuffers BUFFERS = new ThreadBuffers("conv2d: Winograd buffer", 4);

    private ConvWinogradF32() {
    }

    /** True for a geometry {@link #forward} computes: 3x3, stride 1, undilated, ungrouped. */
    static boolean supports(Conv2dGeometry g) {
        return g.kernelH() == 3 && g.kernelW() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1
                && g.dilationW() == 1 && g.groups() == 1;
    }

    /** True for a {@link #supports supported} geometry with enough channels and tiles to pay. */
    static boolean applies(Conv2dGeometry g) {
        return supports(g) && g.inChannels() >= MIN_CHANNELS && g.outChannels() >= MIN_CHANNELS
                && (long) g.batch() * tiles(g) >= MIN_TILES;
    }

    /** Tiles per sample, {@code ceil(OH/2) * ceil(OW/2)}. */
    private static int tiles(Conv2dGeometry g) {
        return ((g.outHeight() + 1) / 2) * ((g.outWidth() + 1) / 2);
    }

    /**
     * Samples per chunk: V and M of a chunk ({@code 16*(C+O)*T} floats) within {@link #CHUNK_FLOATS}, or within the
     * size of U where that is larger; at least one sample; chunks balanced.
     */
    static int chunkSamples(Conv2dGeometry g) {
        long perSample = (long) POSITIONS * (g.inChannels() + g.outChannels()) * tiles(g);
        long budget = Math.max(CHUNK_FLOATS, (long) POSITIONS * g.inChannels() * g.outChannels());
        int max = (int) Math.max(1, Math.min(g.batch(), budget / perSample));
        int chunks = (g.batch() + max - 1) / max;
        return (g.batch() + chunks - 1) / chunks;
    }

    /**
     * y {@code [N, O, OH, OW]} = conv2d(x, w), then the epilogue (or null) per chunk; x {@code [N, C, H, W]}, w
     * {@code [O, C, 3, 3]}. Requires {@link #supports}.
     */
    static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                        Conv2dEpilogue epilogue) {
        int cin = g.inChannels(), cout = g.outChannels(), p = tiles(g);
        int us = WinogradChunks.positionStride(cout * cin);
        float[] u = BUFFERS.get(3, (long) POSITIONS * us); // every element a GEMM reads is written first
        Parallel.forRange(cout, Math.max(1, 4096 / cin),
                (o0, o1) -> transformWeights(w, wOff, cin, cout, o0, o1, u, us));
        WinogradChunks.run(g, POSITIONS, p, chunkSamples(g), u, us, BUFFERS, 0, ConvWinogradF32::transformInputs,
                ConvWinogradF32::transformOutputs, x, xOff, y, yOff, epilogue);
    }

    /**
     * {@code U[t][o, c] = (G w[o, c] G^T)[xi, nu]} for output channels {@code [o0, o1)}: first {@code a = G w} (4x3)
     * down the columns ({@code a0 = w0, a1 = (w0 + w1 + w2)/2, a2 = (w0 - w1 + w2)/2, a3 = w2}), then {@code a G^T}
     * along each row (the same combinations); the halvings are exact, so only the sums round. {@code U[t]} is at
     * {@code t*plane}.
     */
    static void transformWeights(float[] w, int wOff, int cin, int cout, int o0, int o1, float[] u, int plane) {
        for (int o = o0; o < o1; o++) {
            for (int c = 0; c < cin; c++) {
                int src = wOff + (o * cin + c) * 9, dst = o * cin + c;
                float w00 = w[src], w01 = w[src + 1], w02 = w[src + 2];
                float w10 = w[src + 3], w11 = w[src + 4], w12 = w[src + 5];
                float w20 = w[src + 6], w21 = w[src + 7], w22 = w[src + 8];
                weightRow(w00, w01, w02, u, dst, plane);
                weightRow(0.5f * (w00 + w10 + w20), 0.5f * (w01 + w11 + w21), 0.5f * (w02 + w12 + w22),
                        u, 4 * plane + dst, plane);
                weightRow(0.5f * (w00 - w10 + w20), 0.5f * (w01 - w11 + w21), 0.5f * (w02 - w12 + w22),
                        u, 8 * plane + dst, plane);
                weightRow(w20, w21, w22, u, 12 * plane + dst, plane);
            }
        }
    }

    /** Row xi of {@code U = a G^T} from row xi {@code (r0, r1, r2)} of {@code a}: positions 4xi..4xi+3. */
    private static void weightRow(float r0, float r1, float r2, float[] u, int at, int plane) {
        u[at] = r0;
        u[at + plane] = 0.5f * (r0 + r1 + r2);
        u[at + 2 * plane] = 0.5f * (r0 - r1 + r2);
        u[at + 3 * plane] = r2;
    }

    /**
     * {@code V[t][c, tile] = (B^T d B)[xi, nu]} for channels {@code [c0, c1)} of samples {@code [n0, n0 + cnt)}
     * (tile {@code (s - n0)*TH*TW + i*TW + j}), {@code V[t]} at {@code t*position}. Every loop runs flat over the
     * tiles {@code f = i*TW + j} of a plane, so that it vectorizes: the plane is first split into phase planes
     * {@code P[a][b][k][i][j] = d[2i + a][2(j + k) + b]} ({@code i <= TH}, {@code j < TW}; row and column parity a, b,
     * shift k), then {@code z = d B} along the rows ({@code z0 = d0 - d2, z1 = d1 + d2, z2 = d2 - d1, z3 = d1 - d3}
     * of the columns {@code 2j..2j+3}: {@code d0 = P[a][0][0], d1 = P[a][1][0], d2 = P[a][0][1], d3 = P[a][1][1]}),
     * then {@code B^T z} down the columns (the same combinations of the rows {@code 2i..2i+3}:
     * {@code z[0][f], z[1][f], z[0][f + TW], z[1][f + TW]}).
     */
    static void transformInputs(Conv2dGeometry g, float[] x, int xOff, int n0, int cnt, int c0, int c1, float[] v,
                                int position) {
        int h = g.height(), wd = g.width(), ph = g.padH(), pw = g.padW(), cin = g.inChannels();
        int th = (g.outHeight() + 1) / 2, tw = (g.outWidth() + 1) / 2, p = th * tw, tc = cnt * p;
        int cols = 2 * tw + 2, q = (th + 1) * tw; // a padded input row; one phase plane
        float[] scr = BUFFERS.get(2, cols + 16L * q + FloatRuns.VL);
        // P[a][b][k] at phases + ((a*2 + b)*2 + k)*q; z[a][nu] at zs + (a*4 + nu)*q
        int phases = cols, zs = cols + 8 * q;
        for (int s = 0; s < cnt; s++) {
            for (int c = c0; c < c1; c++) {
                int plane = xOff + ((n0 + s) * cin + c) * h * wd;
                for (int i = 0; i <= th; i++) {
                    for (int a = 0; a < 2; a++) {
                        int ih = 2 * i + a - ph, at = phases + a * 4 * q + i * tw;
                        if (tw <= WinogradRuns.MAX_PHASE_TILES) {
                            WinogradRuns.phases(x, ih >= 0 && ih < h ? plane + ih * wd : -1, pw, wd, scr, at, q, tw);
                            continue;
                        }
                        Arrays.fill(scr, 0, cols, 0f); // cols >= W + 2pw: the row fits with its padding
                        if (ih >= 0 && ih < h) {
                            System.arraycopy(x, plane + ih * wd, scr, pw, wd);
                        }
                        for (int j = 0; j < tw; j++) {
                            scr[at + j] = scr[2 * j];
                            scr[at + q + j] = scr[2 * j + 2];
                            scr[at + 2 * q + j] = scr[2 * j + 1];
                            scr[at + 3 * q + j] = scr[2 * j + 3];
                        }
                    }
                }
                for (int a = 0; a < 2; a++) {
                    int d0 = phases + a * 4 * q, d2 = d0 + q, d1 = d2 + q, d3 = d1 + q;
                    int z0 = zs + a * 4 * q, z1 = z0 + q, z2 = z1 + q, z3 = z2 + q;
                    WinogradRuns.input(scr, d0, d1, d2, d3, scr, z0, z1, z2, z3, q);
                }
                int tile0 = c * tc + s * p;
                for (int nu = 0; nu < 4; nu++) {
                    int r0 = zs + nu * q, r1 = r0 + 4 * q, r2 = r0 + tw, r3 = r1 + tw; // rows 2i, 2i+1, 2i+2, 2i+3
                    int v0 = nu * position + tile0, v1 = v0 + 4 * position, v2 = v1 + 4 * position;
                    int v3 = v2 + 4 * position;
                    WinogradRuns.input(scr, r0, r1, r2, r3, v, v0, v1, v2, v3, p);
                }
            }
        }
    }

    /**
     * {@code y[s, o] = A^T M[.][o, tile] A} for output channels {@code [o0, o1)} of samples {@code [n0, n0 + cnt)},
     * {@code M[t]} at {@code t*position}: {@code e = A^T M} down the columns ({@code e0 = m0 + m1 + m2},
     * {@code e1 = m1 - m2 - m3} of the rows xi), then {@code e A} along the rows (the same combinations of nu), both
     * flat over the tiles of a plane, giving the outputs {@code Y[a][b][f]} at row {@code 2i + a}, column
     * {@code 2j + b}; these are then interleaved into y, dropping those past OH or OW.
     */
    static void transformOutputs(Conv2dGeometry g, float[] m, int position, int n0, int cnt, int o0, int o1,
                                 float[] y, int yOff) {
        int oh = g.outHeight(), ow = g.outWidth(), cout = g.outChannels();
        int th = (oh + 1) / 2, tw = (ow + 1) / 2, p = th * tw, tc = cnt * p;
        float[] e = BUFFERS.get(2, 12L * p + FloatRuns.VL); // e[a][nu] at (a*4 + nu)*p, then Y[a][b] at (8 + a*2 + b)*p
        int ys = 8 * p;
        for (int s = 0; s < cnt; s++) {
            for (int o = o0; o < o1; o++) {
                int tile0 = o * tc + s * p, out = yOff + ((n0 + s) * cout + o) * oh * ow;
                for (int nu = 0; nu < 4; nu++) {
                    int m0 = nu * position + tile0, m1 = m0 + 4 * position, m2 = m1 + 4 * position;
                    int m3 = m2 + 4 * position, e0 = nu * p, e1 = (4 + nu) * p;
                    WinogradRuns.output(m, m0, m1, m2, m3, e, e0, e1, p);
                }
                for (int a = 0; a < 2; a++) {
                    int q0 = a * 4 * p, q1 = q0 + p, q2 = q1 + p, q3 = q2 + p, y0 = ys + a * 2 * p, y1 = y0 + p;
                    WinogradRuns.output(e, q0, q1, q2, q3, e, y0, y1, p);
                }
                for (int i = 0; i < th; i++) {
                    for (int a = 0; a < 2 && 2 * i + a < oh; a++) {
                        int dst = out + (2 * i + a) * ow, y0 = ys + a * 2 * p + i * tw, y1 = y0 + p;
                        for (int j = 0; j < ow / 2; j++) {
                            y[dst + 2 * j] = e[y0 + j];
                            y[dst + 2 * j + 1] = e[y1 + j];
                        }
                        if (ow % 2 != 0) { // the last tile's second column lies past OW
                            y[dst + ow - 1] = e[y0 + tw - 1];
                        }
                    }
                }
            }
        }
    }
}

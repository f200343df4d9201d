package org.fluxion.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The im2col matrix of a float32 convolution and its adjoint, col2im, for {@link ConvF32}: with
 * {@code K = Cg*kh*kw} and {@code P = OH*OW}, {@code col[(c*kh + i)*kw + j][oh*OW + ow] =
 * x[c][oh*sh - ph + i*dh][ow*sw - pw + j*dw]} (0 in the padding), and col2im scatters a {@code [K, P]} block back
 * onto the input planes, adding where windows overlap.
 */
final class Im2ColF32 {
    private Im2ColF32() {
    }

    /**
     * Fills the {@code K x count*P} block of {@code col} at {@code colOff} (row stride {@code ld}) with the
     * im2col matrices of {@code count} samples side by side: sample s's {@code Cg} input planes start at
     * {@code x[xOff + s*xStride]}, its columns at {@code s*P}.
     *
     * <p>At stride 1 each output row's run is copied with whole vectors, the last one spilling up to VL-1
     * floats past the run: the runs are written in increasing address order (row, then sample, then
     * output row), so each spill is overwritten by a later run or zero-fill, and {@code col} must hold
     * {@link ConvF32#COL_SLACK} floats past the block. (Masked stores here ran through the Vector API's
     * per-lane bounds check in the training loop, 4x slower.)
     */
    static void im2col(Conv2dGeometry g, float[] x, int xOff, int xStride, int count, float[] col, int colOff,
                       int ld) {
        if (isSameSize(g)) {
            im2colShifted(g, x, xOff, xStride, count, col, colOff, ld);
            return;
        }
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth(), p = oh * ow;
        int sh = g.strideH(), sw = g.strideW(), vl = FloatRuns.VL;
        int row = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                int ihBase = i * g.dilationH() - g.padH();
                for (int j = 0; j < g.kernelW(); j++, row++) {
                    int iwBase = j * g.dilationW() - g.padW();
                    int lo = validLo(iwBase, sw, ow), hi = validHi(iwBase, sw, w, ow, lo);
                    for (int s = 0; s < count; s++) {
                        int plane = xOff + s * xStride + c * h * w;
                        int dst = colOff + row * ld + s * p;
                        for (int r = 0; r < oh; r++, dst += ow) {
                            int ih = r * sh + ihBase;
                            if (ih < 0 || ih >= h) {
                                Arrays.fill(col, dst, dst + ow, 0f);
                                continue;
                            }
                            int src = plane + ih * w + iwBase;
                            if (lo > 0) {
                                Arrays.fill(col, dst, dst + lo, 0f);
                            }
                            if (sw == 1) {
                                for (int q = lo; q < hi; q += vl) {
                                    if (src + q + vl <= x.length) {
                                        FloatVector.fromArray(FloatRuns.S, x, src + q).intoArray(col, dst + q);
                                    } else { // the end of x: copy only what is there
                                        System.arraycopy(x, src + q, col, dst + q, hi - q);
                                    }
                                }
                            } else if (sw == 2) {
                                copyEveryOther(x, src + 2 * lo, col, dst + lo, hi - lo);
                            } else {
                                for (int q = lo; q < hi; q++) {
                                    col[dst + q] = x[src + q * sw];
                                }
                            }
                            if (hi < ow) { // after the run: its spill may reach here
                                Arrays.fill(col, dst + hi, dst + ow, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Lane j holds 2j: picks the even lanes of two vectors ({@link #copyEveryOther}, {@link OffsetPacker}). */
    static final FloatVector EVEN_LANES = evenLanes();

    private static FloatVector evenLanes() {
        float[] index = new float[FloatRuns.VL];
        for (int j = 0; j < index.length; j++) {
            index[j] = 2 * j;
        }
        return FloatVector.fromArray(FloatRuns.S, index, 0);
    }

    /**
     * {@code dst[d + q] = src[s + 2q]} for {@code q < len}: the run of a stride-2 im2col row (a network's stem), or
     * a stride-2 max pooling row split into its phases ({@link MaxPoolValuesF32}), a vector at a time from two loads
     * and a two-vector permute, which the scalar loop took 4x as long for.
     */
    static void copyEveryOther(float[] src, int s, float[] dst, int d, int len) {
        int vl = FloatRuns.VL, q = 0;
        for (; q + vl <= len && s + 2 * q + 2 * vl <= src.length; q += vl) {
            FloatVector lo = FloatVector.fromArray(FloatRuns.S, src, s + 2 * q);
            FloatVector hi = FloatVector.fromArray(FloatRuns.S, src, s + 2 * q + vl);
            EVEN_LANES.selectFrom(lo, hi).intoArray(dst, d + q);
        }
        for (; q < len; q++) {
            dst[d + q] = src[s + 2 * q];
        }
    }

    /**
     * {@code xp[s][c]} = the plane {@code x[xOff + s*xStride + c*H*W]} zero-padded to {@code Hp x Wp} ({@code Hp =
     * H + 2ph}, {@code Wp = W + 2pw}), for {@code s < count}, {@code c < Cg}: {@code count*Cg*Hp*Wp} floats from
     * {@code xp[0]}. A padded convolution of x is the unpadded one of xp.
     */
    static void padPlanes(Conv2dGeometry g, float[] x, int xOff, int xStride, int count, float[] xp) {
        int h = g.height(), w = g.width(), ph = g.padH(), pw = g.padW(), cg = g.inPerGroup();
        int hp = h + 2 * ph, wp = w + 2 * pw, planes = cg * hp * wp;
        // split by samples over the threads (inline within a parallel loop): a weight-bound layer pads its whole batch
        Parallel.forRange(count, Math.max(1, PAD_GRAIN / planes), (s0, s1) -> {
            if (ph == 0 && pw == 0) {
                for (int s = s0; s < s1; s++) {
                    System.arraycopy(x, xOff + s * xStride, xp, s * planes, planes);
                }
                return;
            }
            Arrays.fill(xp, s0 * planes, s1 * planes, 0f);
            for (int s = s0; s < s1; s++) {
                for (int c = 0; c < cg; c++) {
                    int src = xOff + s * xStride + c * h * w, dst = s * planes + (c * hp + ph) * wp + pw;
                    for (int r = 0; r < h; r++, src += w, dst += wp) {
                        System.arraycopy(x, src, xp, dst, w);
                    }
                }
            }
        });
    }

    /** Floats of padded planes below which a thread hand-off costs more than the copy. */
    private static final int PAD_GRAIN = 1 << 16;

    /** The geometry of {@code g} on its zero-padded planes ({@link #padPlanes}): the same output, no padding. */
    static Conv2dGeometry onPaddedPlanes(Conv2dGeometry g) {
        return new Conv2dGeometry(g.batch(), g.inChannels(), g.height() + 2 * g.padH(), g.width() + 2 * g.padW(),
                g.outChannels(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), 0, 0, g.dilationH(),
                g.dilationW(), g.groups());
    }

    /** True for stride 1 and an output of the input's size ({@code 3x3} with padding 1: ResNet's convolutions). */
    static boolean isSameSize(Conv2dGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outHeight() == g.height() && g.outWidth() == g.width();
    }

    /**
     * {@link #im2col} for {@link #isSameSize} geometries. Output and input planes then have the same row length,
     * so the row of kernel tap (i, j) is the input plane shifted by {@code s = di*W + dj}
     * ({@code di = i*dh - ph}, {@code dj = j*dw - pw}): {@code col[t] = x[t + s]} for the flat indices t whose
     * source lies in the plane, one copy, after which the columns that wrapped around from the neighbouring
     * row ({@code |dj|} per output row) are zeroed. On the small planes of a network's deep stages this replaces
     * one short run per output row (two floats on a 2x2 plane) by a single copy.
     */
    private static void im2colShifted(Conv2dGeometry g, float[] x, int xOff, int xStride, int count, float[] col,
                                      int colOff, int ld) {
        int h = g.height(), w = g.width(), p = h * w;
        int row = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            for (int i = 0; i < g.kernelH(); i++) {
                int di = i * g.dilationH() - g.padH();
                for (int j = 0; j < g.kernelW(); j++, row++) {
                    int dj = j * g.dilationW() - g.padW();
                    int shift = di * w + dj;
                    int lo = Math.min(p, Math.max(0, -shift)), hi = Math.max(lo, Math.min(p, p - shift));
                    // columns q with q + dj outside [0, w): their flat source is in the wrong row (or nowhere)
                    int zeroLo = Math.min(w, Math.max(0, -dj)), zeroHi = Math.max(0, w - Math.max(0, dj));
                    for (int s = 0; s < count; s++) {
                        int plane = xOff + s * xStride + c * p;
                        int dst = colOff + row * ld + s * p;
                        Arrays.fill(col, dst, dst + lo, 0f);
                        if (hi > lo) { // (an empty copy still checks its source index)
                            System.arraycopy(x, plane + lo + shift, col, dst + lo, hi - lo);
                        }
                        Arrays.fill(col, dst + hi, dst + p, 0f);
                        if (zeroLo > 0 || zeroHi < w) {
                            for (int r = 0; r < h; r++) {
                                int rowStart = dst + r * w;
                                for (int q = 0; q < zeroLo; q++) {
                                    col[rowStart + q] = 0f;
                                }
                                for (int q = Math.max(zeroHi, zeroLo); q < w; q++) {
                                    col[rowStart + q] = 0f;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Overwrites the {@code Cg} planes at {@code dx[dxOff]} with the scatter-add of the {@code K x P}
     * block of {@code col} at {@code colOff} (row stride {@code ld}): each column entry goes back to the
     * input pixel it was copied from (padding entries are dropped). At stride 1 each run is a vector add.
     */
    static void col2im(Conv2dGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int sh = g.strideH(), sw = g.strideW();
        if (sw == 1 && w <= FloatRuns.VL) {
            col2imRows(g, col, colOff, ld, dx, dxOff);
            return;
        }
        Arrays.fill(dx, dxOff, dxOff + g.inPerGroup() * h * w, 0f);
        int row = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            int plane = dxOff + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                int ihBase = i * g.dilationH() - g.padH();
                for (int j = 0; j < g.kernelW(); j++, row++) {
                    int iwBase = j * g.dilationW() - g.padW();
                    int lo = validLo(iwBase, sw, ow), hi = validHi(iwBase, sw, w, ow, lo);
                    int len = hi - lo, full = FloatRuns.full(len);
                    VectorMask<Float> tail = FloatRuns.tailMask(len);
                    if (len == 0) {
                        continue;
                    }
                    int srcRow = colOff + row * ld;
                    for (int r = 0; r < oh; r++) {
                        int ih = r * sh + ihBase;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int dst = plane + ih * w + iwBase;
                        int src = srcRow + r * ow;
                        if (sw == 1) {
                            FloatRuns.add(col, src + lo, dx, dst + lo, len, full, tail);
                        } else {
                            for (int q = lo; q < hi; q++) {
                                dx[dst + q * sw] += col[src + q];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #col2im} for stride 1 along the width and input rows of at most one vector: each input row
     * is summed in a register and stored once. Its kw*kh contributions are loads of column rows, each
     * shifted to input columns by its offset and masked to the columns it covers. (Adding each run
     * into dx in turn instead stalls on store forwarding: successive runs overlap, shifted by one.)
     */
    private static void col2imRows(Conv2dGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), ph = g.padH(), pw = g.padW();
        int dh = g.dilationH(), dw = g.dilationW();
        VectorMask<Float> row = FloatRuns.lanes(0, w, w);
        // Straight-line vector code only: a vector chosen on two paths (a phi) makes C2 box it, and the
        // loop then runs ~4x slower; so every load is masked and the masks are rebuilt from bits (cheap).
        for (int c = 0; c < g.inPerGroup(); c++) {
            int plane = dxOff + c * h * w;
            for (int ih = 0; ih < h; ih++) {
                FloatVector acc = FloatVector.zero(FloatRuns.S);
                for (int i = 0; i < kh; i++) {
                    int num = ih + ph - i * dh; // = r * sh for the output row r that reads ih at kernel row i
                    int r = sh == 1 ? num : num / sh; // (an integer division costs more than the loads)
                    if (num < 0 || r >= oh || (sh != 1 && r * sh != num)) {
                        continue;
                    }
                    int rowStart = colOff + ((c * kh + i) * kw) * ld + r * ow;
                    for (int j = 0; j < kw; j++) {
                        // input column l = q + shift for output column q: lanes [shift, shift + ow) ∩ [0, w)
                        int shift = j * dw - pw;
                        VectorMask<Float> lanes = FloatRuns.lanes(shift, ow, w);
                        acc = acc.add(FloatVector.fromArray(FloatRuns.S, col, rowStart + j * ld - shift, lanes));
                    }
                }
                acc.intoArray(dx, plane + ih * w, row);
            }
        }
    }

    /** First output column whose input column {@code q*sw + iwBase} is {@code >= 0}, clamped to [0, ow]. */
    static int validLo(int iwBase, int sw, int ow) {
        return iwBase >= 0 ? 0 : Math.min(ow, (-iwBase + sw - 1) / sw);
    }

    /** One past the last output column whose input column is {@code < w}, clamped to [lo, ow]. */
    static int validHi(int iwBase, int sw, int w, int ow, int lo) {
        int last = w - 1 - iwBase;
        int hi = last < 0 ? 0 : Math.min(ow, last / sw + 1);
        return Math.max(lo, hi);
    }
}

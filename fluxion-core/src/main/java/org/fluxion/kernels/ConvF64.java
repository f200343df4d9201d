package org.fluxion.kernels;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * float64 bodies of {@link Conv2dKernels}: im2col + GEMM per (sample, group).
 *
 * <p>For one sample and group, with {@code K = Cg*kh*kw} and {@code P = OH*OW}, the im2col matrix is
 * {@code col[K, P]}, {@code col[(c*kh + i)*kw + j][oh*OW + ow] = x[c][oh*sh - ph + i*dh][ow*sw - pw + j*dw]}
 * (0 in the padding), and the three kernels are GEMMs on it:
 * <pre>
 *   y[Og, P]   = w[Og, K] · col[K, P]            (forward)
 *   dcol[K, P] = w[Og, K]^T · dy[Og, P]          (inputGrad; dx = col2im(dcol), a scatter-add)
 *   dw[Og, K] += dy[Og, P] · col[K, P]^T          (weightGrad, summed over samples)
 * </pre>
 *
 * <p>This is {@code ConvF32} with {@code float} replaced by {@code double}; keep them in sync.
 */
final class ConvF64 {
    /** Below about this many multiply-adds per chunk a thread hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 17;

    /** Per-thread im2col buffer, grown on demand and kept: training repeats the same shapes. */
    private static final ThreadLocal<double[]> COL = ThreadLocal.withInitial(() -> new double[0]);

    private ConvF64() {
    }

    static void forward(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff) {
        int cg = g.inPerGroup(), og = g.outPerGroup();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        boolean pointwise = g.isPointwise();
        Parallel.forRange(g.batch(), grain(g), (start, end) -> {
            double[] col = pointwise ? null : scratch(k * p);
            for (int n = start; n < end; n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xo = xOff + (n * g.inChannels() + gi * cg) * hw;
                    int yo = yOff + (n * g.outChannels() + gi * og) * p;
                    int wo = wOff + gi * og * k;
                    if (pointwise) {
                        Gemm.dgemm(false, false, og, p, k, w, wo, k, x, xo, p, y, yo, p, false);
                    } else {
                        im2col(g, x, xo, col);
                        Gemm.dgemm(false, false, og, p, k, w, wo, k, col, 0, p, y, yo, p, false);
                    }
                }
            }
        });
    }

    static void inputGrad(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff, double[] dx, int dxOff) {
        int cg = g.inPerGroup(), og = g.outPerGroup();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        boolean pointwise = g.isPointwise();
        Parallel.forRange(g.batch(), grain(g), (start, end) -> {
            double[] col = pointwise ? null : scratch(k * p);
            for (int n = start; n < end; n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xo = dxOff + (n * g.inChannels() + gi * cg) * hw;
                    int yo = dyOff + (n * g.outChannels() + gi * og) * p;
                    int wo = wOff + gi * og * k;
                    if (pointwise) {
                        Gemm.dgemm(true, false, k, p, og, w, wo, k, dy, yo, p, dx, xo, p, false);
                    } else {
                        Gemm.dgemm(true, false, k, p, og, w, wo, k, dy, yo, p, col, 0, p, false);
                        col2im(g, col, dx, xo);
                    }
                }
            }
        });
    }

    static void weightGrad(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff, double[] dw, int dwOff) {
        int cg = g.inPerGroup(), og = g.outPerGroup();
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int k = cg * g.kernelH() * g.kernelW();
        int wSize = g.weightSize();
        boolean pointwise = g.isPointwise();
        if (g.batch() == 0) {
            Arrays.fill(dw, dwOff, dwOff + wSize, 0.0);
            return;
        }
        int grain = grain(g);
        // Each chunk of samples sums into its own buffer: the first chunk straight into dw, the others
        // into fresh partials (not thread-local: one worker may run two chunks) added in at the end.
        Queue<double[]> partials = new ConcurrentLinkedQueue<>();
        AtomicInteger slots = new AtomicInteger();
        Parallel.forRange(g.batch(), grain, (start, end) -> {
            int slot = slots.getAndIncrement();
            double[] acc = slot == 0 ? dw : new double[wSize];
            int accOff = slot == 0 ? dwOff : 0;
            double[] col = pointwise ? null : scratch(k * p);
            for (int n = start; n < end; n++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xo = xOff + (n * g.inChannels() + gi * cg) * hw;
                    int yo = dyOff + (n * g.outChannels() + gi * og) * p;
                    int wo = accOff + gi * og * k;
                    boolean accumulate = n > start;
                    if (pointwise) {
                        Gemm.dgemm(false, true, og, k, p, dy, yo, p, x, xo, p, acc, wo, k, accumulate);
                    } else {
                        im2col(g, x, xo, col);
                        Gemm.dgemm(false, true, og, k, p, dy, yo, p, col, 0, p, acc, wo, k, accumulate);
                    }
                }
            }
            if (slot > 0) {
                partials.add(acc);
            }
        });
        for (double[] part : partials) {
            for (int i = 0; i < wSize; i++) {
                dw[dwOff + i] += part[i];
            }
        }
    }

    /** Samples per chunk so that a chunk holds at least {@link #MIN_PARALLEL_WORK} multiply-adds. */
    private static int grain(Conv2dGeometry g) {
        long perSample = (long) g.outChannels() * g.inPerGroup() * g.kernelH() * g.kernelW()
                * g.outHeight() * g.outWidth();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, MIN_PARALLEL_WORK / Math.max(1, perSample)));
    }

    private static double[] scratch(int size) {
        double[] a = COL.get();
        if (a.length < size) {
            a = new double[size];
            COL.set(a);
        }
        return a;
    }

    /** Fills {@code col[0 .. K*P)} from the {@code Cg} input planes starting at {@code x[xOff]}. */
    static void im2col(Conv2dGeometry g, double[] x, int xOff, double[] col) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int sh = g.strideH(), sw = g.strideW();
        int row = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            int plane = xOff + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                int ihBase = i * g.dilationH() - g.padH();
                for (int j = 0; j < g.kernelW(); j++, row++) {
                    int iwBase = j * g.dilationW() - g.padW();
                    int lo = validLo(iwBase, sw, ow), hi = validHi(iwBase, sw, w, ow, lo);
                    int dst = row * oh * ow;
                    for (int r = 0; r < oh; r++, dst += ow) {
                        int ih = r * sh + ihBase;
                        if (ih < 0 || ih >= h) {
                            Arrays.fill(col, dst, dst + ow, 0.0);
                            continue;
                        }
                        int src = plane + ih * w + iwBase;
                        Arrays.fill(col, dst, dst + lo, 0.0);
                        if (sw == 1) {
                            if (hi > lo) { // an empty range may start before the array
                                System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                            }
                        } else {
                            for (int q = lo; q < hi; q++) {
                                col[dst + q] = x[src + q * sw];
                            }
                        }
                        Arrays.fill(col, dst + hi, dst + ow, 0.0);
                    }
                }
            }
        }
    }

    /**
     * Overwrites the {@code Cg} planes at {@code dx[dxOff]} with the scatter-add of {@code col}: each
     * column entry goes back to the input pixel it was copied from (padding entries are dropped).
     */
    static void col2im(Conv2dGeometry g, double[] col, double[] dx, int dxOff) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int sh = g.strideH(), sw = g.strideW();
        Arrays.fill(dx, dxOff, dxOff + g.inPerGroup() * h * w, 0.0);
        int row = 0;
        for (int c = 0; c < g.inPerGroup(); c++) {
            int plane = dxOff + c * h * w;
            for (int i = 0; i < g.kernelH(); i++) {
                int ihBase = i * g.dilationH() - g.padH();
                for (int j = 0; j < g.kernelW(); j++, row++) {
                    int iwBase = j * g.dilationW() - g.padW();
                    int lo = validLo(iwBase, sw, ow), hi = validHi(iwBase, sw, w, ow, lo);
                    int srcRow = row * oh * ow;
                    for (int r = 0; r < oh; r++) {
                        int ih = r * sh + ihBase;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int dst = plane + ih * w + iwBase;
                        int src = srcRow + r * ow;
                        if (sw == 1) {
                            for (int q = lo; q < hi; q++) {
                                dx[dst + q] += col[src + q];
                            }
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

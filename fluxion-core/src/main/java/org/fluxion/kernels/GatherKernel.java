package org.fluxion.kernels;

/**
 * Gather along one axis: {@code out[i_0..i_r] = x[i_0..idx..i_r]} with {@code idx = index[i_0..i_r]} in the
 * position of {@code axis}. The index values must already be validated to lie in {@code [0, x.dim(axis))}.
 *
 * <p>The walk runs over the index shape with {@code x}'s stride along {@code axis} replaced by 0, so the
 * gathered position is {@code base + idx * axisStride}. A run whose index stride is 0 (an index broadcast
 * along the inner dimension, as index-select produces) reads one index and copies a whole contiguous slice,
 * which makes embedding lookups one {@link System#arraycopy} per row; an index-select of whole contiguous
 * slices skips the walk altogether. Outputs are disjoint, so the work is split freely over threads.
 */
public final class GatherKernel {
    private static final int GRAIN = 1 << 14;
    /** The shortest slice copied with one {@link System#arraycopy}. */
    private static final int MIN_SLICE = 16;

    private GatherKernel() {
    }

    /** Writes the gathered elements into {@code out}, of the index's dims and x's element type. */
    public static void gather(Strided x, int axis, Strided index, Strided out) {
        if (slices(x, axis, index, out)) {
            return;
        }
        int[] xs = x.strides().clone();
        int axisStride = xs[axis];
        xs[axis] = 0;
        StridedLoop loop = StridedLoop.of(index.dims(), new int[] {x.offset(), index.offset(), out.offset()},
                xs, index.strides(), out.strides());
        if (loop.size() == 0) {
            return;
        }
        int xst = loop.innerStride(0);
        int ist = loop.innerStride(1);
        int ost = loop.innerStride(2);
        Object xa = x.array();
        Object oa = out.array();
        int[] ii = index.array() instanceof int[] a ? a : null;
        long[] il = index.array() instanceof long[] a ? a : null;
        loop.forEach(GRAIN, (o, n) -> {
            int xo = o[0];
            int io = o[1];
            int oo = o[2];
            if (ist == 0) {
                StridedCopy.run(xa, xo + at(ii, il, io) * axisStride, xst, oa, oo, ost, n);
                return;
            }
            switch (xa) {
                case float[] s -> {
                    float[] d = (float[]) oa;
                    for (int i = 0; i < n; i++) d[oo + i * ost] = s[xo + i * xst + at(ii, il, io + i * ist) * axisStride];
                }
                case double[] s -> {
                    double[] d = (double[]) oa;
                    for (int i = 0; i < n; i++) d[oo + i * ost] = s[xo + i * xst + at(ii, il, io + i * ist) * axisStride];
                }
                case int[] s -> {
                    int[] d = (int[]) oa;
                    for (int i = 0; i < n; i++) d[oo + i * ost] = s[xo + i * xst + at(ii, il, io + i * ist) * axisStride];
                }
                case long[] s -> {
                    long[] d = (long[]) oa;
                    for (int i = 0; i < n; i++) d[oo + i * ost] = s[xo + i * xst + at(ii, il, io + i * ist) * axisStride];
                }
                default -> {
                    boolean[] s = (boolean[]) xa;
                    boolean[] d = (boolean[]) oa;
                    for (int i = 0; i < n; i++) d[oo + i * ost] = s[xo + i * xst + at(ii, il, io + i * ist) * axisStride];
                }
            }
        });
    }

    /**
     * The index-select case, done without the general walk when it applies: {@code x} and {@code out}
     * contiguous, of the same dims off {@code axis}, and the index varying along {@code axis} only (stride 0
     * elsewhere). Then {@code out[o, j, :] = x[o, index[j], :]} is one {@link System#arraycopy} of a whole slice
     * {@code [inner]} per {@code (o, j)}, with no per-run bookkeeping: embedding lookups are copies of rows.
     * Returns false, having done nothing, when the case does not apply.
     */
    private static boolean slices(Strided x, int axis, Strided index, Strided out) {
        int[] d = index.dims();
        int[] is = index.strides();
        int[] xd = x.dims();
        for (int k = 0; k < d.length; k++) {
            if (k != axis && ((is[k] != 0 && d[k] != 1) || xd[k] != d[k])) {
                return false;
            }
        }
        int inner = 1;
        for (int k = axis + 1; k < d.length; k++) {
            inner *= d[k];
        }
        // Short slices copy faster element by element in the general walk than by one arraycopy call each.
        if (inner < MIN_SLICE || !rowMajor(x) || !rowMajor(out)) {
            return false;
        }
        int outer = 1;
        for (int k = 0; k < axis; k++) {
            outer *= d[k];
        }
        int n = d[axis];
        int xAxis = xd[axis];
        int step = is[axis];
        int ib = index.offset();
        int slice = inner;
        int[] ii = index.array() instanceof int[] a ? a : null;
        long[] il = index.array() instanceof long[] a ? a : null;
        Object xa = x.array();
        Object oa = out.array();
        int xo = x.offset();
        int oo = out.offset();
        Parallel.forRange(outer * n, Math.max(1, GRAIN / Math.max(1, inner)), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r / n;
                int j = r - o * n;
                System.arraycopy(xa, xo + (o * xAxis + at(ii, il, ib + j * step)) * slice, oa, oo + r * slice, slice);
            }
        });
        return true;
    }

    /** Whether the view is laid out row-major and contiguous (size-1 dims may have any stride). */
    private static boolean rowMajor(Strided t) {
        int expected = 1;
        for (int k = t.dims().length - 1; k >= 0; k--) {
            if (t.dims()[k] != 1 && t.strides()[k] != expected) {
                return false;
            }
            expected *= t.dims()[k];
        }
        return true;
    }

    /** The index value at storage position {@code p} of an int32 ({@code ii}) or int64 ({@code il}) index. */
    static int at(int[] ii, long[] il, int p) {
        return ii != null ? ii[p] : (int) il[p];
    }
}

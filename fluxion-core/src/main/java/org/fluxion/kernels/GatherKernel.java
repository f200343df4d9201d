package org.fluxion.kernels;

/**
 * Gather along one axis: {@code out[i_0..i_r] = x[i_0..idx..i_r]} with {@code idx = index[i_0..i_r]} in the
 * position of {@code axis}. The index values must already be validated to lie in {@code [0, x.dim(axis))}.
 *
 * <p>The walk runs over the index shape with {@code x}'s stride along {@code axis} replaced by 0, so the
 * gathered position is {@code base + idx * axisStride}. A run whose index stride is 0 (an index broadcast
 * along the inner dimension, as index-select produces) reads one index and copies a whole contiguous slice,
 * which makes embedding lookups one {@link System#arraycopy} per row. Outputs are disjoint, so the walk is
 * split freely over threads.
 */
public final class GatherKernel {
    private static final int GRAIN = 1 << 14;

    private GatherKernel() {
    }

    /** Writes the gathered elements into {@code out}, of the index's dims and x's element type. */
    public static void gather(Strided x, int axis, Strided index, Strided out) {
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

    /** The index value at storage position {@code p} of an int32 ({@code ii}) or int64 ({@code il}) index. */
    static int at(int[] ii, long[] il, int p) {
        return ii != null ? ii[p] : (int) il[p];
    }
}

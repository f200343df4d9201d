package org.fluxion.kernels;

/**
 * Scatter-add along one axis, in place: {@code out[i_0..idx..i_r] += src[i_0..i_r]} with
 * {@code idx = index[i_0..i_r]} in the position of {@code axis}, for every position of the index shape.
 * Index values must already be validated to lie in {@code [0, out.dim(axis))}. For bool, add is logical or.
 *
 * <p>Repeated index values make several elements add into one output, so splitting the walk anywhere would
 * race. Two elements can only collide when they differ in their {@code axis} coordinate alone; the walk is
 * therefore split over threads by the <em>other</em> coordinates, each thread looping over the whole axis
 * for its share, and runs serially when that share would be too small to pay for a thread.
 */
public final class ScatterAddKernel {
    private static final int GRAIN = 1 << 14;

    private ScatterAddKernel() {
    }

    /** {@code out} is modified; {@code src} has out's dtype and at least the index's dims. */
    public static void scatterAdd(Strided out, int axis, Strided index, Strided src) {
        int[] dims = index.dims();
        int size = index.size();
        if (size == 0) {
            return;
        }
        int[] os = out.strides().clone();
        int axisStride = os[axis];
        os[axis] = 0;
        int[] is = index.strides();
        int[] ss = src.strides();
        Object oa = out.array();
        Object sa = src.array();
        int[] ii = index.array() instanceof int[] a ? a : null;
        long[] il = index.array() instanceof long[] a ? a : null;
        int axisLen = dims[axis];
        int others = size / axisLen;
        int grain = Math.max(1, GRAIN / axisLen);
        if (Parallel.chunks(others, grain) <= 1) {
            StridedLoop loop = StridedLoop.of(dims, new int[] {index.offset(), src.offset(), out.offset()}, is, ss, os);
            int ist = loop.innerStride(0);
            int sst = loop.innerStride(1);
            int ost = loop.innerStride(2);
            loop.forRange(0, size, (o, n) -> run(oa, axisStride, ii, il, o[0], ist, sa, o[1], sst, o[2], ost, n));
            return;
        }
        int[] od = without(dims, axis);
        StridedLoop loop = StridedLoop.of(od, new int[] {0, 0, out.offset()}, without(is, axis), without(ss, axis),
                without(os, axis));
        int ist = loop.innerStride(0);
        int sst = loop.innerStride(1);
        int ost = loop.innerStride(2);
        Parallel.forRange(others, grain, (start, end) -> {
            for (int a = 0; a < axisLen; a++) {
                int ib = index.offset() + a * is[axis];
                int sb = src.offset() + a * ss[axis];
                loop.forRange(start, end, (o, n) -> run(oa, axisStride, ii, il, ib + o[0], ist, sa, sb + o[1], sst,
                        o[2], ost, n));
            }
        });
    }

    private static int[] without(int[] a, int axis) {
        int[] r = new int[a.length - 1];
        for (int i = 0, j = 0; i < a.length; i++) {
            if (i != axis) {
                r[j++] = a[i];
            }
        }
        return r;
    }

    /** One run of {@code n} elements: index at io (stride ist), source at so, output base oo (no axis term). */
    private static void run(Object oa, int axisStride, int[] ii, long[] il, int io, int ist, Object sa, int so,
                            int sst, int oo, int ost, int n) {
        if (ist == 0) {
            // One index for the whole run: a plain strided axpy that the JIT can vectorize when unit-stride.
            int t = oo + GatherKernel.at(ii, il, io) * axisStride;
            if (sa instanceof float[] s && ost == 1 && sst == 1) {
                float[] d = (float[]) oa;
                for (int i = 0; i < n; i++) d[t + i] += s[so + i];
                return;
            }
            if (sa instanceof double[] s && ost == 1 && sst == 1) {
                double[] d = (double[]) oa;
                for (int i = 0; i < n; i++) d[t + i] += s[so + i];
                return;
            }
        }
        switch (sa) {
            case float[] s -> {
                float[] d = (float[]) oa;
                for (int i = 0; i < n; i++) d[oo + i * ost + GatherKernel.at(ii, il, io + i * ist) * axisStride] += s[so + i * sst];
            }
            case double[] s -> {
                double[] d = (double[]) oa;
                for (int i = 0; i < n; i++) d[oo + i * ost + GatherKernel.at(ii, il, io + i * ist) * axisStride] += s[so + i * sst];
            }
            case int[] s -> {
                int[] d = (int[]) oa;
                for (int i = 0; i < n; i++) d[oo + i * ost + GatherKernel.at(ii, il, io + i * ist) * axisStride] += s[so + i * sst];
            }
            case long[] s -> {
                long[] d = (long[]) oa;
                for (int i = 0; i < n; i++) d[oo + i * ost + GatherKernel.at(ii, il, io + i * ist) * axisStride] += s[so + i * sst];
            }
            default -> {
                boolean[] s = (boolean[]) sa;
                boolean[] d = (boolean[]) oa;
                for (int i = 0; i < n; i++) d[oo + i * ost + GatherKernel.at(ii, il, io + i * ist) * axisStride] |= s[so + i * sst];
            }
        }
    }
}

package org.fluxion.kernels;

/**
 * Copies a strided block of elements into a strided block of another array of the same element type:
 * {@code dst[dstOffset + sum(i_k * dstStrides[k])] = src[srcOffset + sum(i_k * srcStrides[k])]} for every
 * multi-index {@code i} of {@code dims}.
 *
 * <p>This is the kernel of concatenation and padding: the destination is a slab of a larger contiguous
 * output, so after dimension merging the copy is a sequence of contiguous runs moved with
 * {@link System#arraycopy} whenever the source is contiguous too. Destinations of distinct elements must
 * not overlap (the copy runs in parallel).
 */
public final class StridedCopy {
    /** Elements per parallel chunk: below this, a thread hand-off costs more than the copy. */
    private static final int GRAIN = 1 << 16;

    private StridedCopy() {
    }

    public static void copy(Object src, int srcOffset, int[] srcStrides, int[] dims,
                            Object dst, int dstOffset, int[] dstStrides) {
        StridedLoop loop = StridedLoop.of(dims, new int[] {srcOffset, dstOffset}, srcStrides, dstStrides);
        if (loop.size() == 0) {
            return;
        }
        int ss = loop.innerStride(0);
        int ds = loop.innerStride(1);
        loop.forEach(GRAIN, (o, n) -> run(src, o[0], ss, dst, o[1], ds, n));
    }

    /** Copies {@code n} elements with the given strides; one arraycopy when both are unit strides. */
    static void run(Object src, int so, int ss, Object dst, int d0, int ds, int n) {
        if (ss == 1 && ds == 1) {
            System.arraycopy(src, so, dst, d0, n);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else if (src instanceof short[] s) {
            short[] d = (short[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        } else {
            boolean[] s = (boolean[]) src;
            boolean[] d = (boolean[]) dst;
            for (int i = 0; i < n; i++) d[d0 + i * ds] = s[so + i * ss];
        }
    }
}

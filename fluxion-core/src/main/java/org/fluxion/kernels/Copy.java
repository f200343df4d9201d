package org.fluxion.kernels;

/** Copies the elements of a strided tensor, in row-major order, into a dense array. */
public final class Copy {
    private Copy() {
    }

    /**
     * Writes the elements of {@code src} in row-major order to {@code dst} (an array of the same
     * element type) starting at {@code dstOffset}.
     */
    public static void strided(Strided src, Object dst, int dstOffset) {
        StridedLoop loop = StridedLoop.of(src.dims(), new int[] {src.offset(), dstOffset}, src.strides(),
                contiguousStrides(src.dims()));
        int ss = loop.innerStride(0);
        Object sa = src.array();
        loop.forEach(1 << 16, (o, n) -> {
            if (ss == 1) {
                System.arraycopy(sa, o[0], dst, o[1], n);
            } else if (sa instanceof float[] f) {
                float[] d = (float[]) dst;
                for (int i = 0; i < n; i++) d[o[1] + i] = f[o[0] + i * ss];
            } else if (sa instanceof double[] f) {
                double[] d = (double[]) dst;
                for (int i = 0; i < n; i++) d[o[1] + i] = f[o[0] + i * ss];
            } else {
                for (int i = 0; i < n; i++) System.arraycopy(sa, o[0] + i * ss, dst, o[1] + i, 1);
            }
        });
    }

    /** Row-major strides of a dense array of shape {@code dims}. */
    static int[] contiguousStrides(int[] dims) {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= dims[i];
        }
        return s;
    }
}

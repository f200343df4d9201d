package org.fluxion.kernels;

/**
 * Cumulative sum along one axis of a dense row-major array: {@code y[..., k, ...] = sum_{j <= k} x[..., j, ...]}
 * ({@code j >= k} when {@code reverse}). The array is seen as {@code [outer, n, inner]}; each of the
 * {@code outer * inner} lines is summed in order, float32 in a double accumulator (PyTorch's CPU
 * accumulation type), so a line's result does not depend on how lines are split over threads.
 */
public final class CumSumKernel {
    private static final int GRAIN = 1 << 12;

    private CumSumKernel() {
    }

    /**
     * {@code x} and {@code y}: {@code float[]}, {@code double[]} or {@code long[]} of the same type; x's
     * elements start at {@code xOffset} (a contiguous view into a larger array), y's at 0.
     */
    public static void cumsum(Object x, int xOffset, Object y, int outer, int n, int inner, boolean reverse) {
        int lines = outer * inner;
        int grain = Math.max(1, GRAIN / Math.max(1, n));
        Parallel.forRange(lines, grain, (start, end) -> {
            for (int line = start; line < end; line++) {
                int base = (line / inner) * n * inner + line % inner;
                int first = reverse ? base + (n - 1) * inner : base;
                int step = reverse ? -inner : inner;
                switch (x) {
                    case float[] a -> {
                        float[] b = (float[]) y;
                        double s = 0;
                        for (int k = 0, p = first; k < n; k++, p += step) b[p] = (float) (s += a[xOffset + p]);
                    }
                    case double[] a -> {
                        double[] b = (double[]) y;
                        double s = 0;
                        for (int k = 0, p = first; k < n; k++, p += step) b[p] = s += a[xOffset + p];
                    }
                    case long[] a -> {
                        long[] b = (long[]) y;
                        long s = 0;
                        for (int k = 0, p = first; k < n; k++, p += step) b[p] = s += a[xOffset + p];
                    }
                    default -> throw new IllegalArgumentException("cumsum: no kernel for " + x.getClass().getSimpleName());
                }
            }
        });
    }
}

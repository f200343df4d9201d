package org.fluxion.kernels;

/**
 * The {@code k} largest (or smallest) elements of each line along one axis of a dense row-major array,
 * seen as {@code [outer, n, inner]}, with their positions on the line: {@code values} and {@code indices}
 * are {@code [outer, k, inner]}.
 *
 * <p>Order as {@code torch.topk} and {@code torch.sort}: NaN is greater than every number (first among the
 * largest, last among the smallest), {@code -0.0} equals {@code 0.0}, and equal elements keep their order
 * on the line, so that a tie goes to the lower index. {@code sorted}: the chosen elements from best to
 * worst; otherwise in increasing index order. Each line is a stable merge sort of its positions,
 * {@code O(n log n)}, independent of how lines are split over threads.
 */
public final class TopKKernel {
    private static final int GRAIN = 1 << 12;

    private TopKKernel() {
    }

    /**
     * @param x       {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}, read from {@code xOffset}
     * @param values  an array of {@code x}'s type, {@code outer * k * inner} long
     * @param indices {@code outer * k * inner} positions along the axis
     */
    public static void topk(Object x, int xOffset, Object values, long[] indices, int outer, int n, int inner,
                            int k, boolean largest, boolean sorted) {
        int lines = outer * inner;
        int grain = Math.max(1, GRAIN / Math.max(1, n));
        Parallel.forRange(lines, grain, (start, end) -> {
            int[] order = new int[n];
            int[] scratch = new int[n];
            for (int line = start; line < end; line++) {
                int o = line / inner;
                int base = xOffset + o * n * inner + line % inner;
                Before before = comparator(x, base, inner, largest);
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                }
                mergeSort(order, scratch, 0, n, before);
                if (!sorted) {
                    java.util.Arrays.sort(order, 0, k);
                }
                int outBase = o * k * inner + line % inner;
                for (int j = 0; j < k; j++) {
                    int to = outBase + j * inner;
                    int from = base + order[j] * inner;
                    indices[to] = order[j];
                    System.arraycopy(x, from, values, to, 1);
                }
            }
        });
    }

    /** Whether the element at line position {@code i} comes strictly before the one at {@code j}. */
    private interface Before {
        boolean test(int i, int j);
    }

    private static Before comparator(Object x, int base, int stride, boolean largest) {
        return switch (x) {
            case double[] a -> (i, j) -> largest ? greater(a[base + i * stride], a[base + j * stride])
                    : greater(a[base + j * stride], a[base + i * stride]);
            case float[] a -> (i, j) -> largest ? greater(a[base + i * stride], a[base + j * stride])
                    : greater(a[base + j * stride], a[base + i * stride]);
            case long[] a -> (i, j) -> largest ? a[base + i * stride] > a[base + j * stride]
                    : a[base + i * stride] < a[base + j * stride];
            case int[] a -> (i, j) -> largest ? a[base + i * stride] > a[base + j * stride]
                    : a[base + i * stride] < a[base + j * stride];
            default -> throw new IllegalArgumentException("topk: no kernel for " + x.getClass().getSimpleName());
        };
    }

    /** {@code a > b} with NaN above every number and equal to itself, and {@code -0.0 == 0.0}. */
    private static boolean greater(double a, double b) {
        return Double.isNaN(a) ? !Double.isNaN(b) : a > b;
    }

    /**
     * Stable merge sort of {@code order[from, to)} by {@code before} (top-down; depth {@code log2 n}): an
     * element moves ahead of an earlier one only when strictly before it, so ties keep their order.
     */
    private static void mergeSort(int[] order, int[] scratch, int from, int to, Before before) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(order, scratch, from, mid, before);
        mergeSort(order, scratch, mid, to, before);
        int i = from;
        int j = mid;
        int out = from;
        while (i < mid && j < to) {
            scratch[out++] = before.test(order[j], order[i]) ? order[j++] : order[i++];
        }
        while (i < mid) {
            scratch[out++] = order[i++];
        }
        while (j < to) {
            scratch[out++] = order[j++];
        }
        System.arraycopy(scratch, from, order, from, to - from);
    }
}

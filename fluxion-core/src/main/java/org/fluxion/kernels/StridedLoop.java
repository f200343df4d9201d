package org.fluxion.kernels;

/**
 * Walks the elements of an n-d shape in row-major order for several operands at once, each with its
 * own strides (0 for a broadcast dimension) and base offset, handing the body contiguous runs of the
 * innermost dimension. Adjacent dimensions that are laid out compatibly in every operand are merged
 * first, so a contiguous tensor is one run.
 */
public final class StridedLoop {
    /** Receives one run: {@code offsets[k]} is operand k's position of the run's first element. */
    @FunctionalInterface
    public interface RunBody {
        void run(int[] offsets, int length);
    }

    private final int[] dims;
    private final int[][] strides; // [operand][dim]
    private final int[] base;
    private final int size;

    private StridedLoop(int[] dims, int[][] strides, int[] base) {
        this.dims = dims;
        this.strides = strides;
        this.base = base;
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        this.size = n;
    }

    /**
     * A loop over {@code dims}; operand k starts at {@code base[k]} and moves by {@code strides[k]}.
     */
    public static StridedLoop of(int[] dims, int[] base, int[]... strides) {
        int rank = dims.length;
        int ops = strides.length;
        // Drop size-1 dimensions, then merge dimension i into i+1 where every operand allows it.
        int[] d = new int[rank];
        int[][] s = new int[ops][rank];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (dims[i] == 1) {
                continue;
            }
            if (r > 0 && mergeable(strides, s, r - 1, i, dims[i])) {
                d[r - 1] *= dims[i];
                for (int k = 0; k < ops; k++) {
                    s[k][r - 1] = strides[k][i];
                }
                continue;
            }
            d[r] = dims[i];
            for (int k = 0; k < ops; k++) {
                s[k][r] = strides[k][i];
            }
            r++;
        }
        if (r == 0) { // a single element
            return new StridedLoop(new int[] {1}, trim(s, ops, 1, true), base.clone());
        }
        int[] dd = java.util.Arrays.copyOf(d, r);
        return new StridedLoop(dd, trim(s, ops, r, false), base.clone());
    }

    private static boolean mergeable(int[][] strides, int[][] merged, int outer, int inner, int innerSize) {
        for (int k = 0; k < strides.length; k++) {
            if (merged[k][outer] != strides[k][inner] * innerSize) {
                return false;
            }
        }
        return true;
    }

    private static int[][] trim(int[][] s, int ops, int r, boolean zero) {
        int[][] out = new int[ops][];
        for (int k = 0; k < ops; k++) {
            out[k] = zero ? new int[] {0} : java.util.Arrays.copyOf(s[k], r);
        }
        return out;
    }

    /** Total number of elements. */
    public int size() {
        return size;
    }

    /** Length of the innermost (merged) dimension, the longest possible run. */
    public int innerLength() {
        return dims[dims.length - 1];
    }

    /** Stride of operand {@code k} along the innermost dimension. */
    public int innerStride(int k) {
        return strides[k][dims.length - 1];
    }

    /** Number of merged dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Runs the body over all elements, split over threads when larger than {@code grain}. */
    public void forEach(int grain, RunBody body) {
        Parallel.forRange(size, grain, (start, end) -> forRange(start, end, body));
    }

    /** Runs the body over the elements with row-major ranks {@code [start, end)}. */
    public void forRange(int start, int end, RunBody body) {
        if (start >= end) {
            return;
        }
        int rank = dims.length;
        int ops = base.length;
        int[] index = new int[rank];
        int[] offsets = new int[ops];
        // Multi-index and offsets of element `start`.
        int rem = start;
        for (int i = rank - 1; i >= 0; i--) {
            index[i] = rem % dims[i];
            rem /= dims[i];
        }
        for (int k = 0; k < ops; k++) {
            int o = base[k];
            for (int i = 0; i < rank; i++) {
                o += index[i] * strides[k][i];
            }
            offsets[k] = o;
        }
        int inner = dims[rank - 1];
        int pos = start;
        while (pos < end) {
            int len = Math.min(inner - index[rank - 1], end - pos);
            body.run(offsets, len);
            pos += len;
            if (pos >= end) {
                break;
            }
            // Advance to the start of the next run: carry through the outer dimensions.
            index[rank - 1] += len;
            for (int k = 0; k < ops; k++) {
                offsets[k] += len * strides[k][rank - 1];
            }
            for (int i = rank - 1; i > 0 && index[i] == dims[i]; i--) {
                index[i] = 0;
                index[i - 1]++;
                for (int k = 0; k < ops; k++) {
                    offsets[k] += strides[k][i - 1] - dims[i] * strides[k][i];
                }
            }
        }
    }
}

package org.fluxion.ops;

import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * A reduction seen as a dense {@code [outer, reduce, inner]} block: element {@code (o, r, i)} lies at
 * {@code offset + (o * reduce + r) * inner + i} of {@code source}'s array, and the result is the dense
 * {@code [outer, inner]} array of the folds over {@code r}.
 *
 * <p>When the input is dense in some axis order (row-major, transposed, any permutation) and its
 * reduced axes are adjacent in that order, the block is the input itself and no data moves; the kept
 * axes may then come out in storage order rather than logical order ({@link #keptOrder}), which
 * {@link #toOutput} undoes on the small result. Otherwise (gaps from step slices, stride-0 broadcast
 * axes, reduced axes on both sides of a kept one) the input is first copied with the reduced axes moved
 * last, giving {@code inner == 1} ({@link Reduce} first peels off reduced blocks of a dense input with
 * {@link #innermostReducedBlock}, so that only non-dense inputs get here).
 *
 * @param keptOrder the kept axes of size > 1, as logical axis numbers, in the order of the result block
 */
record ReduceLayout(Tensor source, int offset, int outer, int reduce, int inner, int[] keptOrder) {

    /** The layout for reducing the axes flagged in {@code reduced}; {@code x} must not be empty. */
    static ReduceLayout of(Tensor x, boolean[] reduced) {
        int[] axes = storageOrder(x);
        ReduceLayout dense = denseLayout(x, axes, axes.length, x.dims(), x.strides(), reduced);
        return dense != null ? dense : copiedLayout(x, reduced);
    }

    /**
     * When {@code x} is dense but its reduced axes form several blocks in storage order (e.g. axes 0, 2
     * and 3 of a contiguous {@code [N, C, H, W]}), the axes of the innermost block: reducing them first
     * leaves a small tensor to reduce further, which beats copying the input. Null otherwise.
     */
    static int[] innermostReducedBlock(Tensor x, boolean[] reduced) {
        int[] axes = storageOrder(x);
        if (!isDense(x, axes)) {
            return null;
        }
        int k = axes.length - 1;
        for (; k >= 0 && !reduced[axes[k]]; k--) {
            // kept axes after the innermost block
        }
        int end = k;
        for (; k >= 0 && reduced[axes[k]]; k--) {
            // the innermost block
        }
        int start = k + 1;
        boolean moreBefore = false;
        for (; k >= 0; k--) {
            moreBefore |= reduced[axes[k]];
        }
        if (!moreBefore || end < start) {
            return null;
        }
        int[] block = java.util.Arrays.copyOfRange(axes, start, end + 1);
        java.util.Arrays.sort(block);
        return block;
    }

    /** The axes of size > 1 by decreasing stride (size-1 axes change neither layout nor result). */
    private static int[] storageOrder(Tensor x) {
        int[] dims = x.dims();
        int[] strides = x.strides();
        int n = 0;
        int[] axes = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != 1) {
                axes[n++] = i;
            }
        }
        // Insertion sort, stable; ranks are small.
        for (int i = 1; i < n; i++) {
            int a = axes[i];
            int j = i - 1;
            for (; j >= 0 && strides[axes[j]] < strides[a]; j--) {
                axes[j + 1] = axes[j];
            }
            axes[j + 1] = a;
        }
        return java.util.Arrays.copyOf(axes, n);
    }

    /** True when the axes, in the given order, address each element of a dense range exactly once. */
    private static boolean isDense(Tensor x, int[] axes) {
        int expected = 1;
        for (int k = axes.length - 1; k >= 0; k--) {
            if (x.stride(axes[k]) != expected) {
                return false;
            }
            expected *= x.dim(axes[k]);
        }
        return true;
    }

    /** The zero-copy layout, or null when the input is not dense or the reduced axes are split. */
    private static ReduceLayout denseLayout(Tensor x, int[] axes, int n, int[] dims, int[] strides,
            boolean[] reduced) {
        if (!isDense(x, axes)) {
            return null;
        }
        int outer = 1;
        int reduce = 1;
        int inner = 1;
        int phase = 0; // 0: kept axes before the reduced block, 1: in it, 2: kept axes after it
        int[] kept = new int[n];
        int nk = 0;
        for (int k = 0; k < n; k++) {
            int a = axes[k];
            if (reduced[a]) {
                if (phase == 2) {
                    return null;
                }
                phase = 1;
                reduce *= dims[a];
            } else {
                if (phase == 1) {
                    phase = 2;
                }
                if (phase == 0) {
                    outer *= dims[a];
                } else {
                    inner *= dims[a];
                }
                kept[nk++] = a;
            }
        }
        return new ReduceLayout(x, x.offset(), outer, reduce, inner, java.util.Arrays.copyOf(kept, nk));
    }

    /** Copies {@code x} with the kept axes first and the reduced axes last: {@code [outer, reduce, 1]}. */
    private static ReduceLayout copiedLayout(Tensor x, boolean[] reduced) {
        int rank = x.rank();
        int[] order = new int[rank];
        int[] kept = new int[rank];
        int k = 0;
        int nk = 0;
        int outer = 1;
        int reduce = 1;
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) {
                order[k++] = i;
                outer *= x.dim(i);
                if (x.dim(i) != 1) {
                    kept[nk++] = i;
                }
            }
        }
        for (int i = 0; i < rank; i++) {
            if (reduced[i]) {
                order[k++] = i;
                reduce *= x.dim(i);
            }
        }
        Tensor c = Views.copy(Views.permute(x, order));
        return new ReduceLayout(c, c.offset(), outer, reduce, 1, java.util.Arrays.copyOf(kept, nk));
    }

    /**
     * The result with shape {@code out}, from the dense {@code [outer, inner]} tensor {@code block} whose
     * axes are the kept axes in {@link #keptOrder}.
     */
    Tensor toOutput(Tensor block, Shape out) {
        boolean sorted = true;
        for (int k = 1; k < keptOrder.length; k++) {
            sorted &= keptOrder[k - 1] < keptOrder[k];
        }
        if (sorted) {
            return Views.reshape(block, out.dims());
        }
        int m = keptOrder.length;
        int[] blockDims = new int[m];
        for (int k = 0; k < m; k++) {
            blockDims[k] = source.dim(keptOrder[k]);
        }
        // Axis i of the logical result is the block axis holding the i-th smallest kept axis.
        int[] perm = new int[m];
        for (int i = 0; i < m; i++) {
            int rankOf = 0;
            for (int k = 0; k < m; k++) {
                if (keptOrder[k] < keptOrder[i]) {
                    rankOf++;
                }
            }
            perm[rankOf] = i;
        }
        Tensor logical = Views.copy(Views.permute(Views.reshape(block, blockDims), perm));
        return Views.reshape(logical, out.dims());
    }
}

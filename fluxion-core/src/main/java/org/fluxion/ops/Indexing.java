package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Gather, index-select, scatter-add and one-hot encoding. {@link Gather} and {@link ScatterAdd} are
 * primitives (each the other's VJP); index-select is a gather with a broadcast index, and one-hot a
 * comparison with {@code arange}, so both are composites and need no rules of their own.
 */
public final class Indexing {
    private Indexing() {
    }

    /** See {@link Gather}. */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        return Ops.bind(new Gather(axis), x, index);
    }

    /**
     * The slices of {@code x} along {@code axis} at the positions of a rank-1 int32/int64 {@code index}: the
     * output has x's shape with the axis length replaced by {@code index.dim(0)}, and
     * {@code out[.., j, ..] = x[.., index[j], ..]}.
     *
     * <p>Built as {@code gather(x, axis, index viewed as [1.., n, ..1] and expanded to the output shape)}:
     * the expanded index has stride 0 along the other axes, which the gather kernel copies as whole
     * contiguous rows, and the VJP (a scatter-add) is the index-add that embeddings need.
     */
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        int a = Shape.normalizeAxis(axis, x.rank(), "indexSelect");
        IndexCheck.requireIntegerIndex("indexSelect", index.type());
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect: index must have rank 1, got shape " + index.shape());
        }
        // Checked here too, so that an error names indexSelect rather than the gather it is built on.
        IndexCheck.checkRange("indexSelect", index, x.dim(a), () -> "axis " + a + " of size " + x.dim(a)
                + " (input " + x.shape() + ")");
        int[] view = new int[x.rank()];
        java.util.Arrays.fill(view, 1);
        view[a] = index.dim(0);
        int[] outDims = x.dims();
        outDims[a] = index.dim(0);
        return gather(x, a, index.reshape(view).expand(outDims));
    }

    /** See {@link ScatterAdd}. */
    public static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor source) {
        return Ops.bind(new ScatterAdd(axis), x, index, source);
    }

    /**
     * One-hot float32 encoding: for int32/int64 {@code indices} of shape {@code s} with values in
     * {@code [0, numClasses)}, {@code out[s..., c] = indices[s...] == c ? 1 : 0}, shape {@code s + [numClasses]}.
     */
    public static Tensor oneHot(Tensor indices, int numClasses) {
        IndexCheck.requireIntegerIndex("oneHot", indices.type());
        if (numClasses < 0) {
            throw new IllegalArgumentException("oneHot: numClasses must be >= 0, got " + numClasses);
        }
        if (indices.isTraced()) {
            // Rows of the identity, gathered: the gather kernel checks the range when the compiled plan runs.
            int[] dims = java.util.Arrays.copyOf(indices.dims(), indices.rank() + 1);
            dims[indices.rank()] = numClasses;
            return indexSelect(Tensor.eye(numClasses, numClasses, DType.FLOAT32), 0, indices.reshape(-1)).reshape(dims);
        }
        IndexCheck.checkRange("oneHot", indices, numClasses, () -> "numClasses " + numClasses);
        return indices.unsqueeze(-1).eq(Tensor.arange(numClasses)).to(DType.FLOAT32);
    }
}

package org.fluxion.ops;

import org.fluxion.kernels.GatherKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: gather along an axis (torch.gather). Inputs {@code x} (any dtype) and {@code index} (int32 or
 * int64, same rank, {@code index.dim(d) <= x.dim(d)} for {@code d != axis}); the output has the index's
 * shape and x's dtype: {@code out[i][j][k] = x[index[i][j][k]][j][k]} for axis 0, and likewise for other
 * axes. Index values must lie in {@code [0, x.dim(axis))}.
 *
 * <p>Its VJP is {@code scatterAdd(zeros(x.shape), axis, index, g)} (index gets no cotangent); its JVP is
 * the gather of the tangent.
 */
public record Gather(int axis) implements Primitive {
    /** VJP: {@code scatterAdd(zeros(x.shape), axis, index, g)}; the index gets none. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {Tensor.zeros(g.dtype(), in[0].dims()).scatterAdd(axis, in[1], g), null};
    }

    /** JVP: the gather of the tangent. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return t[0].gather(axis, in[1]);
    }

    @Override
    public String name() {
        return "gather";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 2);
        Shape xs = in[0].shape();
        Shape is = in[1].shape();
        int a = Shape.normalizeAxis(axis, xs.rank(), name());
        IndexCheck.requireIntegerIndex(name(), in[1]);
        checkIndexShape(name(), a, is, xs, "input");
        return new TensorType(is, in[0].dtype());
    }

    /**
     * Torch's rule: same rank, and the index no larger than {@code target} outside {@code axis} (on every
     * dimension when {@code axis} is negative).
     */
    static void checkIndexShape(String op, int axis, Shape index, Shape target, String role) {
        if (index.rank() != target.rank()) {
            throw new IllegalArgumentException(op + ": index of shape " + index + " has rank " + index.rank()
                    + ", but " + role + " of shape " + target + " has rank " + target.rank() + "; they must be equal");
        }
        for (int d = 0; d < index.rank(); d++) {
            if (d != axis && index.dim(d) > target.dim(d)) {
                throw new IllegalArgumentException(op + ": index of shape " + index + " is larger than " + role
                        + " of shape " + target + " at dimension " + d + " (" + index.dim(d) + " > " + target.dim(d)
                        + ")" + (axis >= 0 ? "; only axis " + axis + " may be larger" : ""));
            }
        }
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        Tensor index = in[1];
        int a = Shape.normalizeAxis(axis, x.rank(), name());
        IndexCheck.checkRange(name(), index, x.dim(a), () -> "axis " + a + " of size " + x.dim(a) + " (input " + x.shape() + ")");
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        GatherKernel.gather(KernelViews.strided(x), a, KernelViews.strided(index), KernelViews.strided(y));
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // A shared source or index is broadcast along the batch (a view), then the axis is shifted.
        return Ops.bind(new Gather(Batching.shifted(axis, Batching.exampleRank(in[0], batched[0]), name())),
                Batching.allBatched(in, batched, size));
    }
}

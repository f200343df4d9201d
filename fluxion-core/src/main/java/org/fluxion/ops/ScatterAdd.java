package org.fluxion.ops;

import org.fluxion.kernels.ScatterAddKernel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: scatter-add along an axis (torch.scatter_add). Inputs {@code x}, {@code index} (int32 or
 * int64) and {@code source}, all of one rank, with {@code index.dim(d) <= source.dim(d)} for every d and
 * {@code index.dim(d) <= x.dim(d)} for {@code d != axis}. The output is a copy of x (in the promoted dtype
 * of x and source) with {@code out[index[i][j]][j] += source[i][j]} for axis 0 and every position of the
 * index shape; repeated indices accumulate, source elements outside the index shape are ignored. For bool,
 * add is logical or.
 *
 * <p>Its VJP is {@code g} for x and {@code gather(g, axis, index)} (zero-padded to source's shape) for
 * source; its JVP is the scatter-add of the tangents.
 */
public record ScatterAdd(int axis) implements Primitive {
    /**
     * VJP: {@code g} for x; for source, {@code gather(g, axis, index)} zero-padded from the index's shape to
     * the source's (elements outside the index shape do not reach the output); none for the index.
     */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        Tensor gs = g.gather(axis, in[1]);
        int[] padding = new int[2 * gs.rank()];
        boolean pad = false;
        for (int d = 0; d < gs.rank(); d++) {
            padding[2 * d + 1] = in[2].dim(d) - gs.dim(d);
            pad |= padding[2 * d + 1] != 0;
        }
        return new Tensor[] {g, null, pad ? gs.pad(padding, 0) : gs};
    }

    /** JVP: the scatter-add of the tangents (zeros for a null one). */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        if (t[2] == null) {
            return t[0];
        }
        return Rules.orZeros(t[0], in[0], y).to(y.dtype()).scatterAdd(axis, in[1], t[2]);
    }

    @Override
    public String name() {
        return "scatterAdd";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 3);
        Shape xs = in[0].shape();
        Shape is = in[1].shape();
        Shape ss = in[2].shape();
        int a = Shape.normalizeAxis(axis, xs.rank(), name());
        IndexCheck.requireIntegerIndex(name(), in[1]);
        Gather.checkIndexShape(name(), a, is, xs, "input");
        Gather.checkIndexShape(name(), -1, is, ss, "source");
        return new TensorType(xs, DType.promote(in[0].dtype(), in[2].dtype()));
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor index = in[1];
        int a = Shape.normalizeAxis(axis, out.shape().rank(), name());
        int bound = out.shape().dim(a);
        IndexCheck.checkRange(name(), index, bound, () -> "axis " + a + " of size " + bound + " (input " + out.shape() + ")");
        // A fresh copy even when x already has the output dtype: primitives never write their inputs.
        Tensor x = in[0];
        Tensor y = x.dtype() == out.dtype() ? ViewPrimitives.Copy.contiguousCopy(x) : Elementwise.cast(x, out.dtype());
        Tensor source = Elementwise.cast(in[2], out.dtype());
        ScatterAddKernel.scatterAdd(KernelViews.strided(y), a, KernelViews.strided(index), KernelViews.strided(source));
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // A shared target, index or source is broadcast along the batch (a view), then the axis is shifted.
        return Ops.bind(new ScatterAdd(Batching.shifted(axis, Batching.exampleRank(in[0], batched[0]), name())),
                Batching.allBatched(in, batched, size));
    }
}

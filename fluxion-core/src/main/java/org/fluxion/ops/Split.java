package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of several outputs: consecutive pieces of {@code x} along {@code axis}, piece {@code k} of
 * {@code sizes[k]} positions, {@code out_k = x[..., s_k : s_k + sizes[k], ...]} with
 * {@code s_k = sizes[0] + ... + sizes[k-1]}. Shape rule: {@code [..., n, ...]} gives
 * {@code [..., sizes[k], ...]} per piece, the sizes {@code >= 0} adding up to {@code n}; the dtype is
 * kept. The pieces are views of {@code x} (no copy). {@code axis} may be negative.
 *
 * <p>The inverse of {@link Concat}: the VJP concatenates the pieces' cotangents (zeros for a piece that got
 * none), in one copy instead of one padded slice per piece; it reads neither input nor outputs. The JVP
 * splits the tangent. Batching shifts the axis past the batch axis.
 */
public record Split(int axis, int[] sizes) implements MultiOutput {
    public Split {
        sizes = sizes.clone();
    }

    /** VJP: {@code concat(axis, g_0, ..., g_(m-1))}, zeros where a piece got no cotangent. */
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        Tensor[] parts = new Tensor[outs.length];
        for (int k = 0; k < parts.length; k++) {
            parts[k] = g[k] != null ? g[k] : Rules.zerosLike(outs[k], outs[k]);
        }
        return new Tensor[] {Ops.bind(new Concat(axis), parts)};
    }

    /** JVP: the pieces of the tangent. */
    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        return Ops.bindAll(this, t[0]);
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0;
    }

    @Override
    public String name() {
        return "split";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        if (s.rank() == 0) {
            throw new IllegalArgumentException("split: a scalar " + in[0] + " has no axis to split");
        }
        int a = Shape.normalizeAxis(axis, s.rank(), name());
        if (sizes.length == 0) {
            throw new IllegalArgumentException("split: expected at least one size, got none");
        }
        long total = 0;
        for (int size : sizes) {
            if (size < 0) {
                throw new IllegalArgumentException("split: size " + size + " in " + Arrays.toString(sizes)
                        + " is negative");
            }
            total += size;
        }
        if (total != s.dim(a)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but axis " + a + " of tensor " + s + " has size " + s.dim(a));
        }
        TensorType[] out = new TensorType[sizes.length];
        for (int k = 0; k < out.length; k++) {
            int[] dims = s.dims();
            dims[a] = sizes[k];
            out[k] = new TensorType(Shape.of(dims), in[0].dtype());
        }
        return out;
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Tensor x = in[0];
        int a = Shape.normalizeAxis(axis, x.rank(), name());
        int[] strides = x.strides();
        Tensor[] pieces = new Tensor[outs.length];
        int start = 0;
        for (int k = 0; k < pieces.length; k++) {
            // An empty piece at the end of the axis would point one past it: anchor it at the view's start.
            int offset = x.offset() + (sizes[k] == 0 ? 0 : start * strides[a]);
            pieces[k] = TensorInternals.view(storage(x), outs[k].shape(), strides, offset);
            start += sizes[k];
        }
        return pieces;
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(new Split(Batching.shifted(axis, Batching.exampleRank(in[0], true), name()), sizes), in[0]);
    }
}

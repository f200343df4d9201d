package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.TopKKernel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of two outputs ({@code torch.topk}): the {@code k} largest elements of {@code x} along
 * {@code axis} (the smallest when {@code largest} is false) and their int64 positions on the axis. Shape
 * rule: {@code x} of rank {@code >= 1}, any dtype but bool, {@code 0 <= k <= n} for {@code [..., n, ...]};
 * both outputs are {@code [..., k, ...]}, the values of x's dtype. {@code sorted}: best first; otherwise in
 * increasing position. Ties go to the lower position and NaN counts as the largest number, as in PyTorch
 * (see {@link TopKKernel}). {@code axis} may be negative.
 *
 * <p>{@code values = gather(x, axis, indices)}, with the indices piecewise constant: the VJP scatters the
 * values' cotangent back to the chosen positions, {@code scatterAdd(zeros(x.shape), axis, indices, g)},
 * reading only the indices; the JVP gathers the tangent there. The indices get no derivative. Batching
 * shifts the axis past the batch axis.
 */
public record TopK(int k, int axis, boolean largest, boolean sorted) implements MultiOutput {
    /** VJP: the values' cotangent put back where they came from. */
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        if (g[0] == null) {
            return new Tensor[] {null};
        }
        return new Tensor[] {Tensor.zeros(g[0].dtype(), in[0].dims()).scatterAdd(axis, outs[1], g[0])};
    }

    /** JVP: the tangent at the chosen positions; the indices have none. */
    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        return new Tensor[] {t[0].gather(axis, outs[1]), null};
    }

    /** The VJP reads the indices (output 1) only. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return 1 << (arity + 1);
    }

    @Override
    public String name() {
        return "topk";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        if (s.rank() == 0) {
            throw new IllegalArgumentException("topk: a scalar " + in[0] + " has no axis to select along");
        }
        if (in[0].dtype() == DType.BOOL) {
            throw new IllegalArgumentException("topk: bool tensors are not ordered, got " + in[0]
                    + " (convert with to(DType.INT32) first)");
        }
        int a = Shape.normalizeAxis(axis, s.rank(), name());
        if (k < 0 || k > s.dim(a)) {
            throw new IllegalArgumentException("topk: k = " + k + " is out of range for axis " + a + " of size "
                    + s.dim(a) + " (tensor " + s + "); expected 0 <= k <= " + s.dim(a));
        }
        int[] dims = s.dims();
        dims[a] = k;
        Shape out = Shape.of(dims);
        return new TensorType[] {new TensorType(out, in[0].dtype()), new TensorType(out, DType.INT64)};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Tensor x = in[0].contiguous();
        Shape s = x.shape();
        int a = Shape.normalizeAxis(axis, s.rank(), name());
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < a; d++) outer *= s.dim(d);
        for (int d = a + 1; d < s.rank(); d++) inner *= s.dim(d);
        Tensor values = Tensor.empty(outs[0].shape(), outs[0].dtype());
        Tensor indices = Tensor.empty(outs[1].shape(), DType.INT64);
        TopKKernel.topk(storage(x).array(), x.offset(), storage(values).array(), (long[]) storage(indices).array(),
                outer, s.dim(a), inner, k, largest, sorted);
        return new Tensor[] {values, indices};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        int axisOfBatch = Batching.shifted(axis, Batching.exampleRank(in[0], true), name());
        return Ops.bindAll(new TopK(k, axisOfBatch, largest, sorted), in[0]);
    }
}

package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.CumSumKernel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: cumulative sum along {@code axis}, {@code y_k = sum_{j <= k} x_j} ({@code sum_{j >= k}} when
 * {@code reverse}). Shape rule: the input's shape; floating types keep their dtype, integer and bool inputs
 * give int64 (as {@code torch.cumsum}). {@code axis} may be negative.
 *
 * <p>The map is linear, so its JVP is the cumulative sum of the tangent and its VJP the reverse cumulative
 * sum of the cotangent ({@code (dy/dx)^T g}: {@code x_j} reaches every {@code y_k} with {@code k >= j}); it
 * reads neither input nor output. Batching shifts the axis past the batch axis.
 */
public record CumSum(int axis, boolean reverse) implements Primitive {
    /** VJP: {@code g} summed from the other end, {@code x_j}'s cotangent being {@code sum_{k >= j} g_k}. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {Ops.bind(new CumSum(axis, !reverse), g)};
    }

    /** JVP: the cumulative sum of the tangent. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(this, t[0]);
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0;
    }

    @Override
    public String name() {
        return reverse ? "cumsum_reverse" : "cumsum";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        Shape.normalizeAxis(axis, Math.max(1, s.rank()), name());
        DType d = in[0].dtype();
        return new TensorType(s, d.isFloatingPoint() ? d : DType.INT64);
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape s = out.shape();
        Tensor x = in[0].to(out.dtype()).contiguous();
        if (s.rank() == 0) {
            return x.copy();
        }
        Tensor y = Tensor.empty(s, out.dtype());
        int a = Shape.normalizeAxis(axis, s.rank(), name());
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < a; d++) outer *= s.dim(d);
        for (int d = a + 1; d < s.rank(); d++) inner *= s.dim(d);
        CumSumKernel.cumsum(storage(x).array(), x.offset(), storage(y).array(), outer, s.dim(a), inner, reverse);
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        int rank = Batching.exampleRank(in[0], true);
        if (rank == 0) { // the cumulative sum of one element is that element
            return in[0].dtype().isFloatingPoint() ? in[0] : Ops.bind(new Cast(DType.INT64), in[0]);
        }
        return Ops.bind(new CumSum(Shape.normalizeAxis(axis, Math.max(1, rank), name()) + 1, reverse), in[0]);
    }
}

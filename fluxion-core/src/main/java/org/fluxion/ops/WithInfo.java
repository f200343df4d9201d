package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of two outputs: a {@link FalliblePrimitive}'s output and an int32 {@code info [...]} per matrix of
 * the batch, 0 where it succeeded and LAPACK's code where it failed (the zero pivot, the order of the minor
 * that is not positive definite), instead of an exception ({@code torch.linalg.cholesky_ex}, {@code inv_ex},
 * {@code solve_ex}). The output of a failed matrix is NaN. The derivative rules and batching are the base
 * primitive's; info has none.
 */
public record WithInfo(FalliblePrimitive base) implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        return base.vjp(g[0], in, outs[0], wanted);
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return base.vjpReads(wanted, arity);
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        return new Tensor[] {base.jvp(in, t, outs[0]), null};
    }

    @Override
    public String name() {
        return base.name() + "_ex";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        TensorType out = base.outputType(in);
        return new TensorType[] {out, new TensorType(MatrixBatch.batchOf(out.shape(), 2), DType.INT32)};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = outs[1].shape();
        int[] info = new int[batch.size()];
        Tensor y = base.compute(outs[0], info, in);
        return new Tensor[] {y, Tensor.wrap(org.fluxion.tensor.Storage.wrap(DType.INT32, info), batch)};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Batching.broadcastingAll(this, in, batched);
    }
}

package org.fluxion.ops;

import org.fluxion.kernels.SvdKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the singular values of each matrix, descending ({@code torch.linalg.svdvals}): {@code [..., m, n]
 * -> [..., min(m, n)]}, without forming the singular vectors.
 *
 * <p>Derivatives: {@code ds = diag(U^T dA V)}, {@code A_bar = U diag(s_bar) V^T}, with U and V from a
 * {@link Svd} of A recomputed by the rule (as JAX does), which keeps them differentiable again. They hold
 * also where singular values repeat: these expressions do not depend on which singular vectors are chosen
 * within a repeated value. A zero singular value is a kink (as {@code |x|} at 0); the rule returns the
 * one-sided derivative of the vectors chosen. The VJP reads A.
 */
public record SingularValues() implements LinalgPrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor s) {
        Tensor[] usv = Ops.bindAll(new Svd(false), in[0]);
        return new Tensor[] {usv[0].mul(g.unsqueeze(-2)).matmul(usv[2])};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor s) {
        Tensor[] usv = Ops.bindAll(new Svd(false), in[0]);
        return MatrixParts.diagonal(MatrixParts.mT(usv[0]).matmul(t[0]).matmul(MatrixParts.mT(usv[2])), 0);
    }

    @Override
    public String name() {
        return "svdvals";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireMatrix(name(), "A", in[0]);
        Shape s = in[0].shape();
        return new TensorType(MatrixBatch.append(MatrixBatch.batchOf(s, 2), Math.min(s.dim(-2), s.dim(-1))),
                in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        int k = Math.min(m, n);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] s = new double[batch.size() * k];
        int[] info = MatrixBatch.forEach(batch.size(), 20L * m * n * k,
                i -> SvdKernel.svd(a, i * m * n, m, n, s, i * k, null, 0, 0, null, 0, 0));
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw new NoConvergenceException(name(), MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        return MatrixBatch.tensor(s, out.shape(), out.dtype());
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }
}

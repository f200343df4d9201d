package org.fluxion.ops;

import org.fluxion.kernels.LuKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the determinant of each square matrix, from its LU factorization with partial pivoting (the
 * product of U's diagonal, signed by the row swaps). Shapes: {@code [..., n, n] -> [...]}. A singular matrix
 * gives 0, not an error.
 *
 * <p>Derivatives (Jacobi's formula): {@code d det = det tr(A^-1 dA)}, {@code A_bar = d_bar det A^-T}. They
 * go through {@code A^-1}, so at a singular matrix (where the derivative is the adjugate, finite) they raise
 * {@link SingularMatrixException}. The VJP reads A and the determinant.
 */
public record Determinant() implements LinalgPrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor det) {
        Tensor scale = g.mul(det).unsqueeze(-1).unsqueeze(-1);
        return new Tensor[] {scale.mul(MatrixParts.mT(Ops.bind(new Inverse(), in[0])))};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b11;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor det) {
        return det.mul(MatrixParts.trace(LinearAlgebra.solve(in[0], t[0])));
    }

    @Override
    public String name() {
        return "det";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        return new TensorType(MatrixBatch.batchOf(in[0].shape(), 2), in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape batch = out.shape();
        int n = in[0].dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] det = new double[batch.size()];
        int[] pivots = new int[batch.size() * n];
        MatrixBatch.forEach(batch.size(), (long) n * n * n, i -> {
            LuKernel.factor(a, i * n * n, n, pivots, i * n);
            det[i] = LuKernel.determinant(a, i * n * n, pivots, i * n, n);
            return 0;
        });
        return MatrixBatch.tensor(det, batch, out.dtype());
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }
}

package org.fluxion.ops;

import org.fluxion.kernels.LuKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: {@code X = A^-1 B}, the solution of {@code A X = B}, by LU factorization with partial pivoting.
 * Shapes: A {@code [..., n, n]}, B {@code [..., n, k]}, X {@code [..., n, k]}, the batch dimensions
 * broadcast; one float dtype. A singular A (a zero pivot) raises {@link SingularMatrixException} naming the
 * batch element.
 *
 * <p>Derivatives (Giles 2008): {@code dX = A^-1 (dB - dA X)}; {@code B_bar = A^-T X_bar},
 * {@code A_bar = -B_bar X^T}. The VJP reads A, and X when A needs a cotangent.
 */
public record Solve() implements FalliblePrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x) {
        return vjp(g, in, x, 0b11);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x, int wanted) {
        Tensor gb = LinearAlgebra.solve(MatrixParts.mT(in[0]), g);
        Tensor ga = (wanted & 1) == 0 ? null : gb.matmul(MatrixParts.mT(x)).neg();
        return new Tensor[] {ga, gb};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1 | ((wanted & 1) != 0 ? 1 << arity : 0);
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor x) {
        Tensor rhs = t[1];
        if (t[0] != null) {
            Tensor dax = t[0].matmul(x);
            rhs = rhs == null ? dax.neg() : rhs.sub(dax);
        }
        return LinearAlgebra.solve(in[0], rhs);
    }

    @Override
    public String name() {
        return "solve";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 2);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        MatrixBatch.requireMatrix(name(), "B", in[1]);
        MatrixBatch.requireSameDType(name(), in[0], in[1]);
        int n = in[0].shape().dim(-1);
        if (in[1].shape().dim(-2) != n) {
            throw new IllegalArgumentException("solve: A " + in[0].shape() + " has " + n + " rows but B "
                    + in[1].shape() + " has " + in[1].shape().dim(-2));
        }
        Shape batch = MatrixBatch.broadcastBatch(name(), in[0].shape(), in[1].shape());
        return new TensorType(MatrixBatch.append(batch, n, in[1].shape().dim(-1)), in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, int[] info, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(out.shape(), 2);
        int n = out.shape().dim(-2);
        int k = out.shape().dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] b = MatrixBatch.doubles(in[1], batch);
        int[] pivots = new int[batch.size() * n];
        int[] failed = MatrixBatch.forEach(batch.size(), (long) n * n * (n + k), i -> {
            int singular = LuKernel.factor(a, i * n * n, n, pivots, i * n);
            if (singular == 0) {
                LuKernel.solve(a, i * n * n, pivots, i * n, n, b, i * n * k, k);
            } else {
                java.util.Arrays.fill(b, i * n * k, (i + 1) * n * k, Double.NaN);
            }
            return singular;
        });
        System.arraycopy(failed, 0, info, 0, failed.length);
        return MatrixBatch.tensor(b, out.shape(), out.dtype());
    }

    @Override
    public LinalgException failure(int[] index, int[] batch, int info) {
        return new SingularMatrixException(name(), index, batch, info);
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Batching.broadcasting(this, in, batched); // the batch is one more broadcast batch dimension
    }
}

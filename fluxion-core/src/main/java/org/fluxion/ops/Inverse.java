package org.fluxion.ops;

import org.fluxion.kernels.LuKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the inverse {@code X = A^-1} of each square matrix, by LU factorization with partial pivoting
 * and a solve against the identity. Shapes: {@code [..., n, n] -> [..., n, n]}. A singular A raises
 * {@link SingularMatrixException} naming the batch element.
 *
 * <p>Derivatives: {@code dX = -X dA X}, {@code A_bar = -X^T X_bar X^T}; the VJP reads X only.
 */
public record Inverse() implements FalliblePrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x) {
        Tensor xt = MatrixParts.mT(x);
        return new Tensor[] {xt.matmul(g).matmul(xt).neg()};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1 << arity;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor x) {
        return x.matmul(t[0]).matmul(x).neg();
    }

    @Override
    public String name() {
        return "inv";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        return in[0];
    }

    @Override
    public Tensor compute(TensorType out, int[] info, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(out.shape(), 2);
        int n = out.shape().dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] x = new double[a.length];
        int[] pivots = new int[batch.size() * n];
        int[] failed = MatrixBatch.forEach(batch.size(), 2L * n * n * n, i -> {
            int singular = LuKernel.factor(a, i * n * n, n, pivots, i * n);
            if (singular == 0) {
                for (int d = 0; d < n; d++) {
                    x[i * n * n + d * n + d] = 1;
                }
                LuKernel.solve(a, i * n * n, pivots, i * n, n, x, i * n * n, n);
            } else {
                java.util.Arrays.fill(x, i * n * n, (i + 1) * n * n, Double.NaN);
            }
            return singular;
        });
        System.arraycopy(failed, 0, info, 0, failed.length);
        return MatrixBatch.tensor(x, out.shape(), out.dtype());
    }

    @Override
    public LinalgException failure(int[] index, int[] batch, int info) {
        return new SingularMatrixException(name(), index, batch, info);
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }
}

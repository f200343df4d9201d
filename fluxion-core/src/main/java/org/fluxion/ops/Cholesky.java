package org.fluxion.ops;

import org.fluxion.kernels.CholeskyKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the Cholesky factor L of a symmetric positive definite matrix, {@code A = L L^T}, L lower
 * triangular with a positive diagonal. Shapes: {@code [..., n, n] -> [..., n, n]}. Only the lower triangle
 * of A is read (as LAPACK's {@code potrf}): the matrix factored is {@code sym(A) = tril(A) + tril(A, -1)^T}.
 * A matrix that is not positive definite raises {@link NotPositiveDefiniteException} naming the batch
 * element and the failing minor.
 *
 * <p>Derivatives (Murray 2016), with {@code Phi(Z) = tril(Z) - diag(Z) / 2}: {@code dL = L Phi(L^-1 sym(dA) L^-T)};
 * {@code A_bar = tril(S) + tril(S^T, -1)} with {@code S = L^-T Phi(L^T L_bar) L^-1}. These are the exact
 * derivatives of the function above, also for a non-symmetric A: the cotangent lies in the lower triangle,
 * where A is read (PyTorch and JAX return the symmetrized {@code (S + S^T) / 2} instead, which agrees on
 * symmetric directions). The VJP reads L only.
 */
public record Cholesky() implements FalliblePrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor l) {
        Tensor p = phi(MatrixParts.mT(l).matmul(g));
        Tensor s = Ops.bind(new TriangularSolve(true, true, false), MatrixParts.mT(l), p); // L^-T P
        s = Ops.bind(new TriangularSolve(false, false, false), l, s); // (L^-T P) L^-1
        return new Tensor[] {MatrixParts.tril(s, 0).add(MatrixParts.tril(MatrixParts.mT(s), -1))};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1 << arity;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor l) {
        Tensor da = MatrixParts.tril(t[0], 0).add(MatrixParts.mT(MatrixParts.tril(t[0], -1)));
        Tensor z = Ops.bind(new TriangularSolve(false, true, false), l, da); // L^-1 sym(dA)
        z = Ops.bind(new TriangularSolve(true, false, false), MatrixParts.mT(l), z); // (L^-1 sym(dA)) L^-T
        return l.matmul(phi(z));
    }

    /** {@code tril(Z)} with its diagonal halved. */
    private static Tensor phi(Tensor z) {
        return MatrixParts.tril(z, 0).sub(MatrixParts.diagEmbed(MatrixParts.diagonal(z, 0)).mul(0.5));
    }

    @Override
    public String name() {
        return "cholesky";
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
        int[] failed = MatrixBatch.forEach(batch.size(), (long) n * n * n / 3, i -> {
            int notDefinite = CholeskyKernel.factor(a, i * n * n, n);
            if (notDefinite != 0) {
                java.util.Arrays.fill(a, i * n * n, (i + 1) * n * n, Double.NaN);
            }
            return notDefinite;
        });
        System.arraycopy(failed, 0, info, 0, failed.length);
        return MatrixBatch.tensor(a, out.shape(), out.dtype());
    }

    @Override
    public LinalgException failure(int[] index, int[] batch, int info) {
        return new NotPositiveDefiniteException(name(), index, batch, info);
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]); // the vmap axis is one more batch dimension
    }
}

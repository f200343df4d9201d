package org.fluxion.ops;

import org.fluxion.kernels.MatrixExpKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the matrix exponential {@code e^A = sum_k A^k / k!} of each square matrix, by scaling and
 * squaring with Padé approximants (see {@link MatrixExpKernel}). Shapes: {@code [..., n, n] -> [..., n, n]}.
 *
 * <p>Derivatives by the block-triangular identity (Mathias 1996; Najfeld and Havel 1995):
 * {@code exp([[A, E], [0, A]]) = [[e^A, L(A, E)], [0, e^A]]}, where {@code L(A, E)} is the Fréchet derivative
 * of the exponential at A in direction E. So {@code dX = L(A, dA)} and, the adjoint of {@code L(A, .)} being
 * {@code L(A^T, .)}, {@code A_bar = L(A^T, X_bar)}: both are this primitive on a {@code 2n x 2n} matrix, which
 * makes them differentiable again. The VJP reads A.
 */
public record MatrixExp() implements LinalgPrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x) {
        return new Tensor[] {frechet(MatrixParts.mT(in[0]), g)};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor x) {
        return frechet(in[0], t[0]);
    }

    /** {@code L(A, E)}: the upper right block of {@code exp([[A, E], [0, A]])}. */
    private Tensor frechet(Tensor a, Tensor e) {
        int n = a.dim(-1);
        Shape batch = Shape.broadcast(name(), MatrixBatch.batchOf(a.shape(), 2), MatrixBatch.batchOf(e.shape(), 2));
        Shape full = MatrixBatch.append(batch, n, n);
        Tensor ab = a.broadcastTo(full);
        Tensor top = Tensor.concat(-1, ab, e.broadcastTo(full));
        Tensor bottom = Tensor.concat(-1, Rules.zerosLike(ab, a), ab);
        Tensor block = Ops.bind(this, Tensor.concat(-2, top, bottom));
        return block.slice(-2, 0, n).slice(-1, n, 2 * n);
    }

    @Override
    public String name() {
        return "matrixExp";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        return in[0];
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(out.shape(), 2);
        int n = out.shape().dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] x = new double[a.length];
        MatrixBatch.forEach(batch.size(), 20L * n * n * n, i -> {
            MatrixExpKernel.expm(a, i * n * n, n, x, i * n * n);
            return 0;
        });
        return MatrixBatch.tensor(x, out.shape(), out.dtype());
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }
}

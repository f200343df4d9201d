package org.fluxion.ops;

import org.fluxion.kernels.TriangularKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the solution of a triangular system, {@code X = T^-1 B} ({@code left}) or {@code X = B T^-1}
 * (right), where T is the upper ({@code upper}) or lower triangle of A, with ones on the diagonal when
 * {@code unitDiagonal}; the other entries of A are not read. Shapes: A {@code [..., n, n]}, B and X
 * {@code [..., n, k]} (left) or {@code [..., k, n]} (right), the batch dimensions broadcast; one float dtype.
 * A zero on T's diagonal raises {@link SingularMatrixException} naming the batch element.
 *
 * <p>Derivatives, with {@code P} the projection onto the entries of A that are read (the triangle, strict
 * when the diagonal is unit): left, {@code dX = T^-1 (dB - P(dA) X)}, {@code B_bar = T^-T X_bar},
 * {@code A_bar = -P(B_bar X^T)}; right, {@code dX = (dB - X P(dA)) T^-1}, {@code B_bar = X_bar T^-T},
 * {@code A_bar = -P(X^T B_bar)}. {@code T^-T} is a solve with the transpose, whose triangle is the other one.
 */
public record TriangularSolve(boolean upper, boolean left, boolean unitDiagonal) implements LinalgPrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x) {
        return vjp(g, in, x, 0b11);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor x, int wanted) {
        Tensor gb = Ops.bind(new TriangularSolve(!upper, left, unitDiagonal), MatrixParts.mT(in[0]), g);
        Tensor ga = null;
        if ((wanted & 1) != 0) {
            ga = project(left ? gb.matmul(MatrixParts.mT(x)) : MatrixParts.mT(x).matmul(gb)).neg();
        }
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
            Tensor da = project(t[0]);
            Tensor dax = left ? da.matmul(x) : x.matmul(da);
            rhs = rhs == null ? dax.neg() : rhs.sub(dax);
        }
        return Ops.bind(this, in[0], rhs);
    }

    /** The entries of A this solve reads: its triangle, without the diagonal when that is unit. */
    private Tensor project(Tensor m) {
        int k = unitDiagonal ? 1 : 0;
        return upper ? MatrixParts.triu(m, k) : MatrixParts.tril(m, -k);
    }

    @Override
    public String name() {
        return "solveTriangular";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 2);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        MatrixBatch.requireMatrix(name(), "B", in[1]);
        MatrixBatch.requireSameDType(name(), in[0], in[1]);
        int n = in[0].shape().dim(-1);
        Shape b = in[1].shape();
        if ((left ? b.dim(-2) : b.dim(-1)) != n) {
            throw new IllegalArgumentException("solveTriangular: A " + in[0].shape() + " is " + n + " x " + n + " but B "
                    + b + " has " + (left ? b.dim(-2) + " rows (solving A X = B)" : b.dim(-1) + " columns (solving X A = B)"));
        }
        Shape batch = MatrixBatch.broadcastBatch(name(), in[0].shape(), b);
        return new TensorType(MatrixBatch.append(batch, b.dim(-2), b.dim(-1)), in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(out.shape(), 2);
        int n = in[0].dim(-1);
        // X T = B is T^T X^T = B^T: the kernel solves on the left, reading T transposed.
        Tensor rhs = left ? in[1] : MatrixParts.mT(MatrixBatch.plain(in[1]));
        int k = left ? out.shape().dim(-1) : out.shape().dim(-2);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] b = MatrixBatch.doubles(rhs, batch);
        int[] info = MatrixBatch.forEach(batch.size(), (long) n * n * k, i -> {
            if (!unitDiagonal) {
                for (int d = 0; d < n; d++) {
                    if (a[i * n * n + d * n + d] == 0) {
                        return d + 1;
                    }
                }
            }
            TriangularKernel.solve(a, i * n * n, n, !upper, !left, unitDiagonal, b, i * n * k, k);
            return 0;
        });
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw new SingularMatrixException(name(), MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        Tensor x = MatrixBatch.tensor(b, MatrixBatch.append(batch, n, k), out.dtype());
        return left ? x : MatrixParts.mT(x).contiguous();
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Batching.broadcasting(this, in, batched);
    }
}

package org.fluxion.ops;

import org.fluxion.kernels.LuKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of two outputs: the sign and the logarithm of the absolute value of each determinant, so that
 * {@code det = sign * exp(logAbsDet)} without overflow or underflow (NumPy's {@code slogdet}). Shapes:
 * {@code [..., n, n] -> [...], [...]}, both of A's dtype. A singular matrix gives sign 0 and log
 * {@code -infinity}.
 *
 * <p>The sign is piecewise constant: no derivative. {@code d log|det A| = tr(A^-1 dA)},
 * {@code A_bar = l_bar A^-T}, undefined (a {@link SingularMatrixException}) at a singular matrix. The VJP
 * reads A.
 */
public record SlogDet() implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        if (g[1] == null) {
            return new Tensor[] {null};
        }
        Tensor inverseT = MatrixParts.mT(Ops.bind(new Inverse(), in[0]));
        return new Tensor[] {g[1].unsqueeze(-1).unsqueeze(-1).mul(inverseT)};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 1;
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        return new Tensor[] {null, MatrixParts.trace(LinearAlgebra.solve(in[0], t[0]))};
    }

    @Override
    public String name() {
        return "slogdet";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        TensorType t = new TensorType(MatrixBatch.batchOf(in[0].shape(), 2), in[0].dtype());
        return new TensorType[] {t, t};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = outs[0].shape();
        int n = in[0].dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] sign = new double[batch.size()];
        double[] log = new double[batch.size()];
        int[] pivots = new int[batch.size() * n];
        MatrixBatch.forEach(batch.size(), (long) n * n * n, i -> {
            double[] r = new double[2];
            LuKernel.factor(a, i * n * n, n, pivots, i * n);
            LuKernel.logDeterminant(a, i * n * n, pivots, i * n, n, r);
            sign[i] = r[0];
            log[i] = r[1];
            return 0;
        });
        return new Tensor[] {MatrixBatch.tensor(sign, batch, outs[0].dtype()), MatrixBatch.tensor(log, batch, outs[1].dtype())};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(this, in[0]);
    }
}

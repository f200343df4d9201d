package org.fluxion.ops;

import org.fluxion.kernels.EighKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of two outputs: the eigendecomposition of a symmetric matrix, {@code sym(A) = V diag(w) V^T}
 * (see {@link EighKernel}): eigenvalues {@code w [..., n]} ascending, eigenvectors the orthonormal columns of
 * {@code V [..., n, n]}, each with its largest-magnitude entry positive. Only the lower triangle of A is
 * read: {@code sym(A) = tril(A) + tril(A, -1)^T}.
 *
 * <p>Derivatives (Magnus 1985; Seeger et al., "Auto-differentiating linear algebra"), with
 * {@code P = V^T sym(dA) V} and {@code F_ij = 1 / (w_j - w_i)} off the diagonal, 0 on it:
 * {@code dw = diag(P)}, {@code dV = V (F o P)}; the VJP is their transpose,
 * {@code S = V (diag(w_bar) + F o (V^T V_bar)) V^T}, {@code A_bar = tril(S) + tril(S^T, -1)}. With a
 * repeated eigenvalue the eigenvectors are not unique and F is infinite: the derivative of V is then
 * undefined (infinities or NaN), while that of the eigenvalues stays right as long as V gets no cotangent
 * (reverse mode skips the F term then). The VJP reads w and V.
 */
public record Eigh() implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        Tensor v = outs[1];
        Tensor inner = g[0] == null ? null : MatrixParts.diagEmbed(g[0]);
        if (g[1] != null) {
            Tensor f = gaps(outs[0]).mul(MatrixParts.mT(v).matmul(g[1]));
            inner = inner == null ? f : inner.add(f);
        }
        Tensor s = v.matmul(inner).matmul(MatrixParts.mT(v));
        return new Tensor[] {MatrixParts.tril(s, 0).add(MatrixParts.tril(MatrixParts.mT(s), -1))};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b110;
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        Tensor v = outs[1];
        Tensor da = MatrixParts.tril(t[0], 0).add(MatrixParts.mT(MatrixParts.tril(t[0], -1)));
        Tensor p = MatrixParts.mT(v).matmul(da).matmul(v);
        return new Tensor[] {MatrixParts.diagonal(p, 0), v.matmul(gaps(outs[0]).mul(p))};
    }

    /** {@code F_ij = 1 / (w_j - w_i)} for {@code i != j}, 0 on the diagonal: {@code [..., n, n]}. */
    static Tensor gaps(Tensor w) {
        int n = w.dim(-1);
        Tensor eye = Tensor.eye(n, n, w.dtype());
        return w.unsqueeze(-2).sub(w.unsqueeze(-1)).add(eye).reciprocal().sub(eye);
    }

    @Override
    public String name() {
        return "eigh";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        Shape s = in[0].shape();
        return new TensorType[] {new TensorType(MatrixBatch.batchOf(s, 1), in[0].dtype()), in[0]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int n = in[0].dim(-1);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] w = new double[batch.size() * n];
        double[] v = new double[batch.size() * n * n];
        int[] info = MatrixBatch.forEach(batch.size(), 10L * n * n * n,
                i -> EighKernel.eigh(a, i * n * n, n, w, i * n, v, i * n * n));
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw new NoConvergenceException(name(), MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        return new Tensor[] {MatrixBatch.tensor(w, outs[0].shape(), outs[0].dtype()),
                MatrixBatch.tensor(v, outs[1].shape(), outs[1].dtype())};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(this, in[0]);
    }
}

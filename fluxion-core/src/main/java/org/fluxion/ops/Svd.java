package org.fluxion.ops;

import org.fluxion.kernels.SvdKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of three outputs: the singular value decomposition {@code A = U diag(S) Vh} (see
 * {@link SvdKernel}: S descending, each column of U with its largest-magnitude entry positive). Shapes,
 * {@code k = min(m, n)}: A {@code [..., m, n]}; reduced, U {@code [..., m, k]}, S {@code [..., k]}, Vh
 * {@code [..., k, n]}; {@code full}, U {@code [..., m, m]} and Vh {@code [..., n, n]}.
 *
 * <p>Derivatives (Townsend, "Differentiating the singular value decomposition", 2016; JAX's
 * {@code svd_jvp_rule}), with {@code V = Vh^T}, {@code dP = U^T dA V} and {@code F_ij = 1 / (s_j^2 - s_i^2)}
 * off the diagonal, 0 on it: {@code dS = diag(dP)}, {@code dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1}
 * (the last term when {@code m > n}), {@code dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1} (when {@code n > m}). The
 * VJP is that map transposed: {@code A_bar = U [diag(S_bar) + (X + X^T) S + S (Y + Y^T)] V^T} with
 * {@code X = F o (U^T U_bar)}, {@code Y = F o (V^T V_bar)}, plus {@code (I - U U^T) U_bar S^-1 V^T} and
 * {@code U S^-1 V_bar^T (I - V V^T)}. Repeated singular values make F infinite and zero ones make
 * {@code S^-1} infinite: the derivatives of U and V are then undefined, while that of S alone stays right
 * (a cotangent on S only skips the F terms; {@link SingularValues} is the operation for it). The full
 * factorization of a non-square matrix has no derivative (its extra columns are any basis of a complement).
 */
public record Svd(boolean full) implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        requireDifferentiable(in[0]);
        Tensor u = outs[0];
        Tensor s = outs[1];
        Tensor v = MatrixParts.mT(outs[2]);
        Tensor sRow = s.unsqueeze(-2); // s_j along columns
        Tensor sCol = s.unsqueeze(-1); // s_i along rows
        Tensor inner = g[1] == null ? null : MatrixParts.diagEmbed(g[1]);
        Tensor f = g[0] == null && g[2] == null ? null : gaps(s);
        if (g[0] != null) {
            Tensor x = f.mul(MatrixParts.mT(u).matmul(g[0]));
            inner = add(inner, x.add(MatrixParts.mT(x)).mul(sRow));
        }
        Tensor vBar = g[2] == null ? null : MatrixParts.mT(g[2]);
        if (vBar != null) {
            Tensor y = f.mul(MatrixParts.mT(v).matmul(vBar));
            inner = add(inner, sCol.mul(y.add(MatrixParts.mT(y))));
        }
        Tensor grad = u.matmul(inner).matmul(outs[2]);
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        if (m > n && g[0] != null) {
            Tensor scaled = g[0].div(sRow);
            grad = grad.add(scaled.sub(u.matmul(MatrixParts.mT(u).matmul(scaled))).matmul(outs[2]));
        }
        if (n > m && vBar != null) {
            Tensor complement = vBar.sub(v.matmul(MatrixParts.mT(v).matmul(vBar)));
            grad = grad.add(u.div(sRow).matmul(MatrixParts.mT(complement)));
        }
        return new Tensor[] {grad};
    }

    private static Tensor add(Tensor a, Tensor b) {
        return a == null ? b : a.add(b);
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b1110;
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        requireDifferentiable(in[0]);
        Tensor u = outs[0];
        Tensor s = outs[1];
        Tensor v = MatrixParts.mT(outs[2]);
        Tensor da = t[0];
        Tensor dp = MatrixParts.mT(u).matmul(da).matmul(v);
        Tensor sRow = s.unsqueeze(-2);
        Tensor sCol = s.unsqueeze(-1);
        Tensor f = gaps(s);
        Tensor dps = dp.mul(sRow);
        Tensor sdp = sCol.mul(dp);
        Tensor du = u.matmul(f.mul(dps.add(MatrixParts.mT(dps))));
        Tensor dv = v.matmul(f.mul(sdp.add(MatrixParts.mT(sdp))));
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        if (m > n) {
            Tensor dav = da.matmul(v);
            du = du.add(dav.sub(u.matmul(MatrixParts.mT(u).matmul(dav))).div(sRow));
        }
        if (n > m) {
            Tensor datu = MatrixParts.mT(da).matmul(u);
            dv = dv.add(datu.sub(v.matmul(MatrixParts.mT(v).matmul(datu))).div(sRow));
        }
        return new Tensor[] {du, MatrixParts.diagonal(dp, 0), MatrixParts.mT(dv)};
    }

    /** {@code F_ij = 1 / (s_j^2 - s_i^2)} for {@code i != j}, 0 on the diagonal. */
    static Tensor gaps(Tensor s) {
        return Eigh.gaps(s.square());
    }

    private void requireDifferentiable(Tensor a) {
        if (full && a.dim(-2) != a.dim(-1)) {
            throw new UnsupportedOperationException("svd: the full factorization of a non-square matrix " + a.type()
                    + " has no derivative (the extra singular vectors are any orthonormal basis of a complement); "
                    + "use the reduced factorization");
        }
    }

    @Override
    public String name() {
        return full ? "svd_full" : "svd";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireMatrix(name(), "A", in[0]);
        Shape s = in[0].shape();
        Shape batch = MatrixBatch.batchOf(s, 2);
        int m = s.dim(-2);
        int n = s.dim(-1);
        int k = Math.min(m, n);
        return new TensorType[] {new TensorType(MatrixBatch.append(batch, m, full ? m : k), in[0].dtype()),
                new TensorType(MatrixBatch.append(batch, k), in[0].dtype()),
                new TensorType(MatrixBatch.append(batch, full ? n : k, n), in[0].dtype())};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        int k = Math.min(m, n);
        int uCols = outs[0].shape().dim(-1);
        int vhRows = outs[2].shape().dim(-2);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] u = new double[batch.size() * m * uCols];
        double[] s = new double[batch.size() * k];
        double[] vh = new double[batch.size() * vhRows * n];
        int[] info = MatrixBatch.forEach(batch.size(), 40L * m * n * k, i -> SvdKernel.svd(a, i * m * n, m, n, s, i * k,
                u, i * m * uCols, uCols, vh, i * vhRows * n, vhRows));
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw new NoConvergenceException(name(), MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        return new Tensor[] {MatrixBatch.tensor(u, outs[0].shape(), outs[0].dtype()),
                MatrixBatch.tensor(s, outs[1].shape(), outs[1].dtype()),
                MatrixBatch.tensor(vh, outs[2].shape(), outs[2].dtype())};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(this, in[0]);
    }
}

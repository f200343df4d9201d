package org.fluxion.ops;

import org.fluxion.kernels.LuKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of three outputs: the LU factorization with partial pivoting {@code A = P L U} of each square
 * matrix ({@code torch.linalg.lu}): P a permutation matrix, L unit lower triangular, U upper triangular, all
 * {@code [..., n, n]} of A's dtype. A singular A factors too (U then has a zero on its diagonal).
 *
 * <p>P is piecewise constant: no derivative. With {@code Z = L^-1 P^T dA U^-1}: {@code dL = L tril(Z, -1)},
 * {@code dU = triu(Z) U}; the VJP is the transpose,
 * {@code A_bar = P L^-T (tril(L^T L_bar, -1) + triu(U_bar U^T)) U^-T}, which needs U invertible. The VJP reads
 * the three outputs.
 */
public record Lu() implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        Tensor l = outs[1];
        Tensor u = outs[2];
        Tensor z = null;
        if (g[1] != null) {
            z = MatrixParts.tril(MatrixParts.mT(l).matmul(g[1]), -1);
        }
        if (g[2] != null) {
            Tensor upper = MatrixParts.triu(g[2].matmul(MatrixParts.mT(u)), 0);
            z = z == null ? upper : z.add(upper);
        }
        if (z == null) {
            return new Tensor[] {null}; // only P got a cotangent, and P is constant
        }
        Tensor y = Ops.bind(new TriangularSolve(true, true, true), MatrixParts.mT(l), z); // L^-T Z
        y = Ops.bind(new TriangularSolve(false, false, false), MatrixParts.mT(u), y); // (..) U^-T
        return new Tensor[] {outs[0].matmul(y)};
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b1110;
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        Tensor l = outs[1];
        Tensor u = outs[2];
        Tensor z = Ops.bind(new TriangularSolve(false, true, true), l, MatrixParts.mT(outs[0]).matmul(t[0]));
        z = Ops.bind(new TriangularSolve(true, false, false), u, z);
        return new Tensor[] {null, l.matmul(MatrixParts.tril(z, -1)), MatrixParts.triu(z, 0).matmul(u)};
    }

    @Override
    public String name() {
        return "lu";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireSquare(name(), "A", in[0]);
        return new TensorType[] {in[0], in[0], in[0]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int n = in[0].dim(-1);
        int nn = n * n;
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] p = new double[a.length];
        double[] l = new double[a.length];
        double[] u = new double[a.length];
        int[] pivots = new int[batch.size() * n];
        MatrixBatch.forEach(batch.size(), (long) nn * n, i -> {
            int off = i * nn;
            LuKernel.factor(a, off, n, pivots, i * n);
            int[] perm = new int[n];
            for (int r = 0; r < n; r++) {
                perm[r] = r;
            }
            for (int k = 0; k < n; k++) { // P_swap A = L U: row r of P_swap A is row perm[r] of A
                int q = pivots[i * n + k];
                int t = perm[k];
                perm[k] = perm[q];
                perm[q] = t;
            }
            for (int r = 0; r < n; r++) {
                p[off + perm[r] * n + r] = 1; // P = P_swap^T
                for (int c = 0; c < n; c++) {
                    double v = a[off + r * n + c];
                    if (c < r) {
                        l[off + r * n + c] = v;
                    } else {
                        u[off + r * n + c] = v;
                    }
                }
                l[off + r * n + r] = 1;
            }
            return 0;
        });
        return new Tensor[] {MatrixBatch.tensor(p, outs[0].shape(), outs[0].dtype()),
                MatrixBatch.tensor(l, outs[1].shape(), outs[1].dtype()),
                MatrixBatch.tensor(u, outs[2].shape(), outs[2].dtype())};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(this, in[0]);
    }
}

package org.fluxion.ops;

import org.fluxion.kernels.QrKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive of two outputs: the QR factorization {@code A = Q R} by Householder reflections, with LAPACK's
 * sign convention (see {@link QrKernel}: R's diagonal entries may be negative). Shapes, {@code k = min(m, n)}:
 * A {@code [..., m, n]}; reduced, Q {@code [..., m, k]} with orthonormal columns and R {@code [..., k, n]};
 * {@code complete}, Q {@code [..., m, m]} orthogonal and R {@code [..., m, n]}.
 *
 * <p>Derivatives, for {@code m >= n} (Walter and Lehmann; JAX's {@code qr_jvp_rule}), with
 * {@code Y = dA R^-1}, {@code C = Q^T Y} and the skew-symmetric {@code W = tril(C, -1) - tril(C, -1)^T}:
 * {@code dQ = Q (W - C) + Y}, {@code dR = (C - W) R}. The VJP is that map transposed: with
 * {@code M = R_bar R^T - Q^T Q_bar}, {@code A_bar = (Q_bar + Q copyUpperToLower(M)) R^-T}. For {@code m < n},
 * {@code A = [X | Z]} gives {@code (Q, R1) = qr(X)} and {@code R2 = Q^T Z}, differentiated through those.
 * They need R invertible (A of full rank). The complete factorization of a tall matrix ({@code m > n}) has
 * no derivative: its last {@code m - n} columns are any orthonormal basis of a complement; the rules say so.
 */
public record Qr(boolean complete) implements LinalgPrimitive, MultiOutput {
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        requireDifferentiable(in[0]);
        Tensor q = outs[0];
        Tensor r = outs[1];
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        if (m >= n) {
            return new Tensor[] {squareVjp(q, r, g[0], g[1])};
        }
        Tensor z = in[0].slice(-1, m, n);
        Tensor rBar1 = g[1] == null ? null : g[1].slice(-1, 0, m);
        Tensor qBar = g[0];
        Tensor zBar = null;
        if (g[1] != null) {
            Tensor rBar2 = g[1].slice(-1, m, n);
            zBar = q.matmul(rBar2);
            Tensor fromR2 = z.matmul(MatrixParts.mT(rBar2));
            qBar = qBar == null ? fromR2 : qBar.add(fromR2);
        }
        Tensor xBar = squareVjp(q, r.slice(-1, 0, m), qBar, rBar1);
        return new Tensor[] {Tensor.concat(-1, xBar, zBar != null ? zBar : Rules.zerosLike(z, z))};
    }

    /** The VJP for {@code m >= n}; a null cotangent is zero. */
    private static Tensor squareVjp(Tensor q, Tensor r, Tensor qBar, Tensor rBar) {
        Tensor m = null;
        if (rBar != null) {
            m = rBar.matmul(MatrixParts.mT(r));
        }
        if (qBar != null) {
            Tensor qtq = MatrixParts.mT(q).matmul(qBar);
            m = m == null ? qtq.neg() : m.sub(qtq);
        }
        Tensor cBar = MatrixParts.triu(m, 0).add(MatrixParts.tril(MatrixParts.mT(m), -1));
        Tensor yBar = q.matmul(cBar);
        if (qBar != null) {
            yBar = yBar.add(qBar);
        }
        return Ops.bind(new TriangularSolve(false, false, false), MatrixParts.mT(r), yBar); // Y_bar R^-T
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b111; // Q, R, and A's trailing columns when A is wide
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
        requireDifferentiable(in[0]);
        Tensor q = outs[0];
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        if (m >= n) {
            return squareJvp(q, outs[1], t[0]);
        }
        Tensor[] d = squareJvp(q, outs[1].slice(-1, 0, m), t[0].slice(-1, 0, m));
        Tensor z = in[0].slice(-1, m, n);
        Tensor dR2 = MatrixParts.mT(d[0]).matmul(z).add(MatrixParts.mT(q).matmul(t[0].slice(-1, m, n)));
        return new Tensor[] {d[0], Tensor.concat(-1, d[1], dR2)};
    }

    /** {@code (dQ, dR)} for {@code m >= n}. */
    private static Tensor[] squareJvp(Tensor q, Tensor r, Tensor da) {
        Tensor y = Ops.bind(new TriangularSolve(true, false, false), r, da); // dA R^-1
        Tensor c = MatrixParts.mT(q).matmul(y);
        Tensor lower = MatrixParts.tril(c, -1);
        Tensor w = lower.sub(MatrixParts.mT(lower));
        return new Tensor[] {q.matmul(w.sub(c)).add(y), c.sub(w).matmul(r)};
    }

    private void requireDifferentiable(Tensor a) {
        if (complete && a.dim(-2) > a.dim(-1)) {
            throw new UnsupportedOperationException("qr: the complete factorization of a tall matrix " + a.type()
                    + " has no derivative (the last " + (a.dim(-2) - a.dim(-1)) + " columns of Q are any orthonormal "
                    + "basis of the complement of A's columns); use the reduced factorization");
        }
    }

    @Override
    public String name() {
        return complete ? "qr_complete" : "qr";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireMatrix(name(), "A", in[0]);
        Shape s = in[0].shape();
        Shape batch = MatrixBatch.batchOf(s, 2);
        int m = s.dim(-2);
        int n = s.dim(-1);
        int k = complete ? m : Math.min(m, n);
        return new TensorType[] {new TensorType(MatrixBatch.append(batch, m, k), in[0].dtype()),
                new TensorType(MatrixBatch.append(batch, k, n), in[0].dtype())};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        int k = outs[0].shape().dim(-1);
        int steps = Math.min(m, n);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] tau = new double[batch.size() * steps];
        double[] q = new double[batch.size() * m * k];
        double[] r = new double[batch.size() * k * n];
        MatrixBatch.forEach(batch.size(), 4L * m * n * steps, i -> {
            QrKernel.factor(a, i * m * n, m, n, tau, i * steps);
            QrKernel.formQ(a, i * m * n, m, n, tau, i * steps, q, i * m * k, k);
            for (int row = 0; row < steps; row++) { // rows past min(m, n) of a complete R are zero
                System.arraycopy(a, i * m * n + row * n + row, r, i * k * n + row * n + row, n - row);
            }
            return 0;
        });
        return new Tensor[] {MatrixBatch.tensor(q, outs[0].shape(), outs[0].dtype()),
                MatrixBatch.tensor(r, outs[1].shape(), outs[1].dtype())};
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Ops.bindAll(this, in[0]);
    }
}

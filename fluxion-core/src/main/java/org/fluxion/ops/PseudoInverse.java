package org.fluxion.ops;

import org.fluxion.kernels.SvdKernel;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the Moore-Penrose pseudo-inverse {@code P = A^+ = V diag(s^+) U^T} of each matrix, from its
 * singular value decomposition, where {@code s^+_i = 1 / s_i} for {@code s_i > rtol * s_max} and 0 otherwise.
 * Shapes: {@code [..., m, n] -> [..., n, m]}.
 *
 * <p>Derivatives (Golub and Pereyra, 1973), valid where the rank is constant:
 * {@code dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P}; the VJP is its transpose,
 * {@code A_bar = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)}. Unlike a derivative through the
 * SVD's vectors, these need no distinct singular values. The VJP reads A and P.
 */
public record PseudoInverse(double rtol) implements LinalgPrimitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor p) {
        Tensor a = in[0];
        Tensor pt = MatrixParts.mT(p);
        Tensor gt = MatrixParts.mT(g);
        Tensor first = pt.matmul(g).matmul(pt).neg();
        Tensor second = complement(a, p).matmul(gt).matmul(p.matmul(pt));
        Tensor third = pt.matmul(p).matmul(gt).matmul(complement(p, a));
        return new Tensor[] {first.add(second).add(third)};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor p) {
        Tensor a = in[0];
        Tensor dat = MatrixParts.mT(t[0]);
        Tensor pt = MatrixParts.mT(p);
        Tensor first = p.matmul(t[0]).matmul(p).neg();
        Tensor second = p.matmul(pt).matmul(dat).matmul(complement(a, p));
        Tensor third = complement(p, a).matmul(dat).matmul(pt).matmul(p);
        return first.add(second).add(third);
    }

    /** {@code I - X Y} for square {@code X Y}. */
    private static Tensor complement(Tensor x, Tensor y) {
        int n = x.dim(-2);
        return Tensor.eye(n, n, x.dtype()).sub(x.matmul(y));
    }

    @Override
    public String name() {
        return "pinv";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        MatrixBatch.requireMatrix(name(), "A", in[0]);
        if (!(rtol >= 0)) {
            throw new IllegalArgumentException("pinv: rtol must be >= 0, got " + rtol);
        }
        Shape s = in[0].shape();
        return new TensorType(MatrixBatch.append(MatrixBatch.batchOf(s, 2), s.dim(-1), s.dim(-2)), in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Shape batch = MatrixBatch.batchOf(in[0].shape(), 2);
        int m = in[0].dim(-2);
        int n = in[0].dim(-1);
        int k = Math.min(m, n);
        double[] a = MatrixBatch.doubles(in[0], batch);
        double[] p = new double[batch.size() * n * m];
        int[] info = MatrixBatch.forEach(batch.size(), 40L * m * n * k, i -> {
            double[] u = new double[m * k];
            double[] s = new double[k];
            double[] vh = new double[k * n];
            int failed = SvdKernel.svd(a, i * m * n, m, n, s, 0, u, 0, k, vh, 0, k);
            double cutoff = k == 0 ? 0 : rtol * s[0];
            for (int j = 0; j < k; j++) {
                if (!(s[j] > cutoff) || s[j] == 0) {
                    continue;
                }
                double inv = 1 / s[j];
                for (int r = 0; r < n; r++) {
                    double vr = vh[j * n + r] * inv;
                    int row = i * n * m + r * m;
                    for (int c = 0; c < m; c++) {
                        p[row + c] += vr * u[c * k + j];
                    }
                }
            }
            return failed;
        });
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw new NoConvergenceException(name(), MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        return MatrixBatch.tensor(p, out.shape(), out.dtype());
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }
}

package org.fluxion.linalg;

import org.fluxion.ops.LinearAlgebra;
import org.fluxion.ops.MatrixParts;
import org.fluxion.tensor.Tensor;

/**
 * Least squares by QR, a composite of {@code qr}, matmul and triangular solves, so that its derivatives come
 * from theirs. For {@code A [m, n]} of full rank: when {@code m >= n}, {@code A = Q R} and
 * {@code X = R^-1 Q^T B} minimizes {@code ||A X - B||}; when {@code m < n}, {@code A^T = Q R} and
 * {@code X = Q R^-T B} is the solution of least norm.
 */
final class LeastSquares {
    private LeastSquares() {
    }

    static Tensor lstsq(Tensor a, Tensor b) {
        Tensor[] ab = Linalg.promote("lstsq", a, b);
        a = ab[0];
        b = ab[1];
        if (a.rank() < 2) {
            throw new IllegalArgumentException("lstsq: A must be a matrix or a stack of matrices [..., m, n], got "
                    + a.type());
        }
        boolean vector = b.rank() == 1 || (b.rank() == a.rank() - 1 && sameBatch(a, b) && b.dim(-1) == a.dim(-2));
        Tensor rhs = vector ? b.unsqueeze(-1) : b;
        if (rhs.dim(-2) != a.dim(-2)) {
            throw new IllegalArgumentException("lstsq: A " + a.shape() + " has " + a.dim(-2) + " rows but B " + b.shape()
                    + " has " + rhs.dim(-2));
        }
        Tensor x;
        if (a.dim(-2) >= a.dim(-1)) {
            Tensor[] qr = LinearAlgebra.qr(a, false);
            x = LinearAlgebra.solveTriangular(qr[1], MatrixParts.mT(qr[0]).matmul(rhs), true, true, false);
        } else {
            Tensor[] qr = LinearAlgebra.qr(MatrixParts.mT(a), false);
            x = qr[0].matmul(LinearAlgebra.solveTriangular(MatrixParts.mT(qr[1]), rhs, false, true, false));
        }
        return vector ? x.squeeze(-1) : x;
    }

    /** B {@code [..., m]} has A's batch dimensions {@code [...]} in front. */
    private static boolean sameBatch(Tensor a, Tensor b) {
        for (int d = 0; d < b.rank() - 1; d++) {
            if (a.dim(d) != b.dim(d)) {
                return false;
            }
        }
        return true;
    }
}

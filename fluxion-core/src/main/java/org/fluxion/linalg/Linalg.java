package org.fluxion.linalg;

import org.fluxion.ops.Cholesky;
import org.fluxion.ops.Elementwise;
import org.fluxion.ops.Inverse;
import org.fluxion.ops.LinearAlgebra;
import org.fluxion.ops.MatrixParts;
import org.fluxion.ops.Solve;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Linear algebra on stacks of matrices {@code [..., n, m]} (the leading dimensions are a batch, broadcast
 * between operands as in matmul), float32 or float64; mixed operands compute in float64, integer operands
 * are rejected. Every function is differentiable in every mode (reverse, forward, higher order), traceable
 * by {@code jit} and batchable by {@code vmap}.
 */
public final class Linalg {
    private Linalg() {
    }

    /**
     * The solution X of {@code A X = B} ({@code torch.linalg.solve}). A is {@code [..., n, n]}; B is
     * {@code [..., n, k]}, or a vector {@code [n]} / a stack of vectors {@code [..., n]} matching A's batch,
     * which gives X of B's shape.
     *
     * @throws org.fluxion.ops.SingularMatrixException naming the batch element when A is singular
     */
    public static Tensor solve(Tensor a, Tensor b) {
        Tensor[] ab = promote("solve", a, b);
        if (isVectorRightSide(ab[0], ab[1])) {
            return LinearAlgebra.solve(ab[0], ab[1].unsqueeze(-1)).squeeze(-1);
        }
        return LinearAlgebra.solve(ab[0], ab[1]);
    }

    /**
     * The solution of a triangular system ({@code torch.linalg.solve_triangular}): {@code T X = B} when
     * {@code left}, else {@code X T = B}, where T is the upper or lower triangle of A (the rest of A is not
     * read), with ones on the diagonal when {@code unitDiagonal}. A is {@code [..., n, n]}, B
     * {@code [..., n, k]} (left) or {@code [..., k, n]} (right).
     *
     * @throws org.fluxion.ops.SingularMatrixException when T has a zero on its diagonal
     */
    public static Tensor solveTriangular(Tensor a, Tensor b, boolean upper, boolean left, boolean unitDiagonal) {
        Tensor[] ab = promote("solveTriangular", a, b);
        return LinearAlgebra.solveTriangular(ab[0], ab[1], upper, left, unitDiagonal);
    }

    /**
     * A result with the failures reported as values ({@code torch.linalg.*_ex}).
     *
     * @param result the operation's output; NaN for the matrices that failed
     * @param info   int32 {@code [...]}, one per matrix of the batch: 0 for success, else LAPACK's code (the
     *               1-based zero pivot, or the order of the minor that is not positive definite)
     */
    public record WithInfo(Tensor result, Tensor info) {
    }

    /** {@link #cholesky} without exceptions: failed matrices are marked in {@code info}. */
    public static WithInfo choleskyEx(Tensor a) {
        Tensor[] r = LinearAlgebra.withInfo(new Cholesky(), floating("cholesky", a));
        return new WithInfo(r[0], r[1]);
    }

    /** {@link #inv} without exceptions: singular matrices are marked in {@code info}. */
    public static WithInfo invEx(Tensor a) {
        Tensor[] r = LinearAlgebra.withInfo(new Inverse(), floating("inv", a));
        return new WithInfo(r[0], r[1]);
    }

    /** {@link #solve} (B {@code [..., n, k]}) without exceptions: singular matrices are marked in {@code info}. */
    public static WithInfo solveEx(Tensor a, Tensor b) {
        Tensor[] ab = promote("solve", a, b);
        Tensor[] r = LinearAlgebra.withInfo(new Solve(), ab[0], ab[1]);
        return new WithInfo(r[0], r[1]);
    }

    /**
     * The lower Cholesky factor L of a symmetric positive definite A, {@code A = L L^T}, {@code [..., n, n]}
     * ({@code torch.linalg.cholesky}). Only A's lower triangle is read; its gradient lies in the lower
     * triangle too (see {@link org.fluxion.ops.Cholesky}).
     *
     * @throws org.fluxion.ops.NotPositiveDefiniteException naming the batch element and the failing minor
     */
    public static Tensor cholesky(Tensor a) {
        return LinearAlgebra.cholesky(floating("cholesky", a));
    }

    /**
     * The solution X of {@code A X = B} given A's Cholesky factor L ({@code A = L L^T}): {@code L^-T (L^-1 B)},
     * two triangular solves. L is {@code [..., n, n]}, B {@code [..., n, k]}.
     */
    public static Tensor choleskySolve(Tensor l, Tensor b) {
        Tensor[] lb = promote("choleskySolve", l, b);
        Tensor y = LinearAlgebra.solveTriangular(lb[0], lb[1], false, true, false);
        return LinearAlgebra.solveTriangular(MatrixParts.mT(lb[0]), y, true, true, false);
    }

    /**
     * The inverse of each matrix, {@code [..., n, n]} ({@code torch.linalg.inv}). To apply an inverse, prefer
     * {@link #solve}: it is cheaper and more accurate.
     *
     * @throws org.fluxion.ops.SingularMatrixException naming the batch element when a matrix is singular
     */
    public static Tensor inv(Tensor a) {
        return LinearAlgebra.inv(floating("inv", a));
    }

    /** The determinant of each matrix: {@code [..., n, n] -> [...]}; 0 for a singular matrix. */
    public static Tensor det(Tensor a) {
        return LinearAlgebra.det(floating("det", a));
    }

    /**
     * What {@link #slogdet} returns: {@code det = sign * exp(logAbsDet)}.
     *
     * @param sign      -1, 0 or 1, {@code [...]}, no derivative
     * @param logAbsDet {@code log|det A|}, {@code [...]}; {@code -infinity} for a singular matrix
     */
    public record SignLogDet(Tensor sign, Tensor logAbsDet) {
    }

    /** The sign and log-absolute-value of each determinant, without overflow ({@code numpy.linalg.slogdet}). */
    public static SignLogDet slogdet(Tensor a) {
        Tensor[] r = LinearAlgebra.slogdet(floating("slogdet", a));
        return new SignLogDet(r[0], r[1]);
    }

    /**
     * What {@link #lu} returns: {@code A = P L U}, each {@code [..., n, n]}.
     *
     * @param p a permutation matrix (no derivative)
     * @param l unit lower triangular
     * @param u upper triangular
     */
    public record LU(Tensor p, Tensor l, Tensor u) {
    }

    /** The LU factorization with partial pivoting of square matrices ({@code torch.linalg.lu}). */
    public static LU lu(Tensor a) {
        Tensor[] r = LinearAlgebra.lu(floating("lu", a));
        return new LU(r[0], r[1], r[2]);
    }

    /**
     * The solution of {@code A X = B} from A's LU factorization: {@code U^-1 L^-1 P^T B}, two triangular solves
     * ({@code torch.linalg.lu_solve}). B is {@code [..., n, k]}.
     */
    public static Tensor luSolve(LU lu, Tensor b) {
        Tensor[] lb = promote("luSolve", lu.l(), b);
        Tensor y = LinearAlgebra.solveTriangular(lb[0], MatrixParts.mT(lu.p().to(lb[0].dtype())).matmul(lb[1]), false,
                true, true);
        return LinearAlgebra.solveTriangular(lu.u().to(lb[0].dtype()), y, true, true, false);
    }

    /**
     * What {@link #qr} returns: {@code A = Q R}.
     *
     * @param q {@code [..., m, k]} with orthonormal columns ({@code [..., m, m]} when complete)
     * @param r {@code [..., k, n]} upper triangular ({@code [..., m, n]} when complete)
     */
    public record QR(Tensor q, Tensor r) {
    }

    /**
     * The reduced QR factorization ({@code torch.linalg.qr(mode='reduced')}): {@code k = min(m, n)}, Householder
     * reflections with LAPACK's signs (R's diagonal may be negative, as in NumPy). Differentiable where R is
     * invertible.
     */
    public static QR qr(Tensor a) {
        return qr(a, false);
    }

    /**
     * The QR factorization, reduced or {@code complete} (Q square {@code [..., m, m]}, R {@code [..., m, n]}).
     * The complete factorization of a tall matrix has no derivative (see {@link org.fluxion.ops.Qr}).
     */
    public static QR qr(Tensor a, boolean complete) {
        Tensor[] qr = LinearAlgebra.qr(floating("qr", a), complete);
        return new QR(qr[0], qr[1]);
    }

    /**
     * What {@link #eigh} returns: {@code A = V diag(eigenvalues) V^T}.
     *
     * @param eigenvalues  {@code [..., n]}, ascending
     * @param eigenvectors {@code [..., n, n]}, orthonormal columns, each with its largest-magnitude entry positive
     */
    public record Eigh(Tensor eigenvalues, Tensor eigenvectors) {
    }

    /**
     * The eigendecomposition of symmetric matrices ({@code torch.linalg.eigh}); only the lower triangle is
     * read. The eigenvectors' derivative is undefined where eigenvalues repeat (see {@link org.fluxion.ops.Eigh}).
     */
    public static Eigh eigh(Tensor a) {
        Tensor[] r = LinearAlgebra.eigh(floating("eigh", a));
        return new Eigh(r[0], r[1]);
    }

    /** The eigenvalues of symmetric matrices, ascending, {@code [..., n]}; differentiable also where they repeat. */
    public static Tensor eigvalsh(Tensor a) {
        return eigh(a).eigenvalues();
    }

    /**
     * What {@link #svd} returns: {@code A = U diag(s) Vh}.
     *
     * @param u  {@code [..., m, k]} ({@code [..., m, m]} when full), orthonormal columns
     * @param s  {@code [..., k]}, descending, {@code k = min(m, n)}
     * @param vh {@code [..., k, n]} ({@code [..., n, n]} when full), orthonormal rows
     */
    public record SVD(Tensor u, Tensor s, Tensor vh) {
    }

    /**
     * The singular value decomposition ({@code torch.linalg.svd}), reduced or {@code full}. Each column of U
     * has its largest-magnitude entry positive. The derivatives of U and V are undefined where singular values
     * repeat or vanish (see {@link org.fluxion.ops.Svd}); use {@link #svdvals} for the values alone.
     */
    public static SVD svd(Tensor a, boolean full) {
        Tensor[] r = LinearAlgebra.svd(floating("svd", a), full);
        return new SVD(r[0], r[1], r[2]);
    }

    /** The reduced singular value decomposition. */
    public static SVD svd(Tensor a) {
        return svd(a, false);
    }

    /** The singular values, descending, {@code [..., m, n] -> [..., min(m, n)]}; differentiable where they repeat. */
    public static Tensor svdvals(Tensor a) {
        return LinearAlgebra.svdvals(floating("svdvals", a));
    }

    /**
     * The least-squares solution X of {@code A X ~ B} ({@code torch.linalg.lstsq}'s solution, {@code
     * numpy.linalg.lstsq}'s first result) for A {@code [..., m, n]} of full rank: it minimizes
     * {@code ||A X - B||} when {@code m >= n} and is the solution of least norm when {@code m < n}. B is
     * {@code [..., m, k]} or a vector {@code [m]}. Computed by QR; for a rank-deficient A use
     * {@code pinv(a, rtol).matmul(b)}.
     */
    public static Tensor lstsq(Tensor a, Tensor b) {
        return LeastSquares.lstsq(a, b);
    }

    /**
     * The Moore-Penrose pseudo-inverse, {@code [..., m, n] -> [..., n, m]}, dropping singular values at most
     * {@code rtol * s_max}. Differentiable where the rank does not change (see {@link org.fluxion.ops.PseudoInverse}).
     */
    public static Tensor pinv(Tensor a, double rtol) {
        return LinearAlgebra.pinv(floating("pinv", a), rtol);
    }

    /** {@link #pinv(Tensor, double)} with PyTorch's default {@code rtol = max(m, n) * eps} of the dtype. */
    public static Tensor pinv(Tensor a) {
        floating("pinv", a);
        if (a.rank() < 2) {
            throw new IllegalArgumentException("pinv: needs a matrix or a stack of matrices [..., m, n], got " + a.type());
        }
        double eps = a.dtype() == DType.FLOAT32 ? Math.ulp(1f) : Math.ulp(1.0);
        return pinv(a, Math.max(a.dim(-2), a.dim(-1)) * eps);
    }

    /** The matrix exponential {@code e^A} of each square matrix (scaling and squaring, Padé 13; Higham 2005). */
    public static Tensor matrixExp(Tensor a) {
        return LinearAlgebra.matrixExp(floating("matrixExp", a));
    }

    /** The Frobenius norm of each matrix, {@code [..., m, n] -> [...]}. */
    public static Tensor matrixNorm(Tensor a) {
        return Norms.matrixNorm(a, "fro", false);
    }

    /** {@code "fro"} (Frobenius) or {@code "nuc"} (nuclear: the sum of singular values) of each matrix. */
    public static Tensor matrixNorm(Tensor a, String ord, boolean keepDims) {
        return Norms.matrixNorm(a, ord, keepDims);
    }

    /**
     * The induced norms of each matrix: {@code ord} 2 / -2 the largest / smallest singular value, 1 / -1 the
     * largest / smallest absolute column sum, ±infinity the largest / smallest absolute row sum.
     */
    public static Tensor matrixNorm(Tensor a, double ord, boolean keepDims) {
        return Norms.matrixNorm(a, ord, keepDims);
    }

    /**
     * {@code (sum |x|^ord)^(1/ord)} over {@code axes} (all axes when none are given); ord ±infinity gives
     * max / min {@code |x|}, 0 the number of non-zero entries. The gradient at a zero vector is 0.
     */
    public static Tensor vectorNorm(Tensor x, double ord, boolean keepDims, int... axes) {
        return Norms.vectorNorm(x, ord, axes, keepDims);
    }

    /** The Euclidean norm of all entries. */
    public static Tensor vectorNorm(Tensor x) {
        return Norms.vectorNorm(x, 2, new int[0], false);
    }

    /**
     * Einstein summation ({@code numpy.einsum}): {@code einsum("bij,bjk->bik", a, b)}. Subscripts are letters,
     * at most one {@code ...} per term (broadcast axes) and an optional {@code ->} output; without it the output
     * is the broadcast axes then the letters appearing once, alphabetically. A letter repeated within a term
     * takes a diagonal; one absent from the output is summed. Operands are contracted two at a time in the
     * order of fewest multiply-adds, each contraction one batched matmul. Float operands of mixed precision
     * compute in float64.
     */
    public static Tensor einsum(String subscripts, Tensor... operands) {
        return Einsum.einsum(subscripts, operands);
    }

    /** The sum of each matrix's diagonal, {@code [..., n, m] -> [...]}. */
    public static Tensor trace(Tensor a) {
        return MatrixParts.trace(a);
    }

    /** Diagonal {@code k} of each matrix ({@code x[i, i + k]}), {@code [..., n, m] -> [..., d]}; see {@link MatrixParts#diagonal}. */
    public static Tensor diagonal(Tensor a, int k) {
        return MatrixParts.diagonal(a, k);
    }

    /** The main diagonal of each matrix. */
    public static Tensor diagonal(Tensor a) {
        return MatrixParts.diagonal(a, 0);
    }

    /** Each vector as a diagonal matrix, {@code [..., n] -> [..., n, n]}. */
    public static Tensor diagEmbed(Tensor x) {
        return MatrixParts.diagEmbed(x);
    }

    /** The lower triangle from diagonal {@code k} down, zeros above. */
    public static Tensor tril(Tensor a, int k) {
        return MatrixParts.tril(a, k);
    }

    /** The lower triangle, diagonal included. */
    public static Tensor tril(Tensor a) {
        return MatrixParts.tril(a, 0);
    }

    /** The upper triangle from diagonal {@code k} up, zeros below. */
    public static Tensor triu(Tensor a, int k) {
        return MatrixParts.triu(a, k);
    }

    /** The upper triangle, diagonal included. */
    public static Tensor triu(Tensor a) {
        return MatrixParts.triu(a, 0);
    }

    /** The transpose of each matrix, {@code [..., n, m] -> [..., m, n]}. */
    public static Tensor mT(Tensor a) {
        return MatrixParts.mT(a);
    }

    // ---------------------------------------------------------------- argument handling

    /** PyTorch's rule: B is a (stack of) vector(s) when it has rank 1, or A's batch shape followed by n. */
    static boolean isVectorRightSide(Tensor a, Tensor b) {
        if (b.rank() == 1) {
            return true;
        }
        if (b.rank() != a.rank() - 1) {
            return false;
        }
        for (int d = 0; d < b.rank(); d++) {
            if (b.dim(d) != a.dim(d)) {
                return false;
            }
        }
        return true;
    }

    /** {@code x}, checked to be float32 or float64. */
    static Tensor floating(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected float32 or float64, got " + x.type()
                    + " (convert with to(DType.FLOAT64))");
        }
        return x;
    }

    /** Both operands floating point, in their common dtype (float64 when one of them is). */
    static Tensor[] promote(String op, Tensor a, Tensor b) {
        floating(op, a);
        floating(op, b);
        DType t = DType.promote(a.dtype(), b.dtype());
        return new Tensor[] {Elementwise.cast(a, t), Elementwise.cast(b, t)};
    }
}

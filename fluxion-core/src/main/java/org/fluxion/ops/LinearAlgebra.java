package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Matrix products with NumPy's conventions, built on the {@link MatMul} primitive, and the functional forms
 * of the linear-algebra primitives ({@link LinalgPrimitive}) that their rules and {@code org.fluxion.linalg}
 * use: stacks of matrices {@code [..., n, n]} of one float dtype, batch dimensions broadcast.
 */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * NumPy {@code matmul}: a 1-D left operand is a row vector and a 1-D right operand a column vector
     * (the added axis is removed from the result); leading batch dimensions broadcast. Integer operands
     * are rejected; mixed float32/float64 operands compute in float64.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: operands must have rank >= 1, got shapes " + a.shape()
                    + " and " + b.shape() + " (use mul for scalars)");
        }
        if (!a.dtype().isFloatingPoint() || !b.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: operands must be floating-point (float16, bfloat16, float32 or float64), got "
                    + a.type() + " and " + b.type() + " (convert with to(DType.FLOAT32))");
        }
        int k = b.rank() == 1 ? b.dim(0) : b.dim(-2);
        if (a.dim(-1) != k) { // checked here too, so that a vector is named with its own shape, not [1, k]
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape() + " do not chain: "
                    + a.dim(-1) + (a.rank() == 1 ? " elements" : " columns") + " on the left vs " + k
                    + (b.rank() == 1 ? " elements" : " rows") + " on the right");
        }
        DType t = DType.promote(a.dtype(), b.dtype());
        Tensor x = Elementwise.cast(a.rank() == 1 ? a.unsqueeze(0) : a, t);
        Tensor y = Elementwise.cast(b.rank() == 1 ? b.unsqueeze(1) : b, t);
        Tensor out = Ops.bind(new MatMul(), x, y);
        if (b.rank() == 1) {
            out = out.squeeze(-1);
        }
        if (a.rank() == 1) {
            out = out.squeeze(-2 + (b.rank() == 1 ? 1 : 0));
        }
        return out;
    }

    /** {@code A^-1 B} for A {@code [..., n, n]}, B {@code [..., n, k]}; see {@link Solve}. */
    public static Tensor solve(Tensor a, Tensor b) {
        return Ops.bind(new Solve(), a, b);
    }

    /** {@code T^-1 B} ({@code left}) or {@code B T^-1} with T a triangle of A; see {@link TriangularSolve}. */
    public static Tensor solveTriangular(Tensor a, Tensor b, boolean upper, boolean left, boolean unitDiagonal) {
        return Ops.bind(new TriangularSolve(upper, left, unitDiagonal), a, b);
    }

    /** The lower Cholesky factor; see {@link Cholesky}. */
    public static Tensor cholesky(Tensor a) {
        return Ops.bind(new Cholesky(), a);
    }

    /** {@code A^-1}; see {@link Inverse}. */
    public static Tensor inv(Tensor a) {
        return Ops.bind(new Inverse(), a);
    }

    /** {@code det A}, {@code [..., n, n] -> [...]}; see {@link Determinant}. */
    public static Tensor det(Tensor a) {
        return Ops.bind(new Determinant(), a);
    }

    /** {@code {sign(det A), log|det A|}}, each {@code [...]}; see {@link SlogDet}. */
    public static Tensor[] slogdet(Tensor a) {
        return Ops.bindAll(new SlogDet(), a);
    }

    /** {@code {Q, R}} of {@code A = Q R}; see {@link Qr}. */
    public static Tensor[] qr(Tensor a, boolean complete) {
        return Ops.bindAll(new Qr(complete), a);
    }

    /** {@code {w, V}} of {@code sym(A) = V diag(w) V^T}; see {@link Eigh}. */
    public static Tensor[] eigh(Tensor a) {
        return Ops.bindAll(new Eigh(), a);
    }

    /** {@code {U, S, Vh}} of {@code A = U diag(S) Vh}; see {@link Svd}. */
    public static Tensor[] svd(Tensor a, boolean full) {
        return Ops.bindAll(new Svd(full), a);
    }

    /** The singular values, descending; see {@link SingularValues}. */
    public static Tensor svdvals(Tensor a) {
        return Ops.bind(new SingularValues(), a);
    }

    /** {@code e^A}; see {@link MatrixExp}. */
    public static Tensor matrixExp(Tensor a) {
        return Ops.bind(new MatrixExp(), a);
    }

    /** {@code A^+}, singular values at most {@code rtol * s_max} dropped; see {@link PseudoInverse}. */
    public static Tensor pinv(Tensor a, double rtol) {
        return Ops.bind(new PseudoInverse(rtol), a);
    }

    /** {@code {P, L, U}} of {@code A = P L U}; see {@link Lu}. */
    public static Tensor[] lu(Tensor a) {
        return Ops.bindAll(new Lu(), a);
    }

    /** {@code {base's output, info}}: the failures as an int32 info tensor instead of an exception; see {@link WithInfo}. */
    public static Tensor[] withInfo(FalliblePrimitive base, Tensor... inputs) {
        return Ops.bindAll(new WithInfo(base), inputs);
    }
}

package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Matrix products with NumPy's conventions, built on the {@link MatMul} primitive. */
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
}

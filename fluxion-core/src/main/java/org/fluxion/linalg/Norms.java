package org.fluxion.linalg;

import org.fluxion.ops.Elementwise;
import org.fluxion.ops.LinearAlgebra;
import org.fluxion.tensor.Tensor;

/**
 * Vector and matrix norms as composites of primitives ({@code torch.linalg.vector_norm} and
 * {@code matrix_norm}). Where a norm is zero, its root is taken through a double {@code where}, so that its
 * gradient there is 0 (a subgradient) instead of {@code 0 * infinity = NaN}.
 */
final class Norms {
    private Norms() {
    }

    /** {@code (sum |x|^ord)^(1/ord)} over {@code axes} (all when empty); ord ±infinity is max/min |x|, 0 counts nonzeros. */
    static Tensor vectorNorm(Tensor x, double ord, int[] axes, boolean keepDims) {
        Linalg.floating("vectorNorm", x);
        int[] over = axes.length == 0 ? allAxes(x.rank()) : axes;
        Tensor abs = x.abs();
        if (ord == Double.POSITIVE_INFINITY) {
            return abs.max(over, keepDims);
        }
        if (ord == Double.NEGATIVE_INFINITY) {
            return abs.min(over, keepDims);
        }
        if (ord == 0) {
            return x.ne(0).to(x.dtype()).sum(over, keepDims); // piecewise constant: no derivative
        }
        if (Double.isNaN(ord)) {
            throw new IllegalArgumentException("vectorNorm: ord must be a number or ±infinity, got NaN");
        }
        Tensor sum = (ord == 2 ? x.square() : ord == 1 ? abs : abs.pow(ord)).sum(over, keepDims);
        return ord == 1 ? sum : root(sum, ord);
    }

    /** {@code s^(1/p)}, 0 where s is 0, with a zero gradient there. */
    private static Tensor root(Tensor s, double p) {
        Tensor positive = s.gt(0);
        Tensor safe = Elementwise.where(positive, s, Tensor.scalar(1, s.dtype()));
        Tensor r = p == 2 ? safe.sqrt() : safe.pow(1 / p);
        return Elementwise.where(positive, r, Tensor.scalar(0, s.dtype()));
    }

    /** "fro" (Frobenius) or "nuc" (nuclear: the sum of the singular values) over the last two axes. */
    static Tensor matrixNorm(Tensor a, String ord, boolean keepDims) {
        requireMatrix(a);
        Tensor r = switch (ord) {
            case "fro" -> vectorNorm(a, 2, new int[] {-2, -1}, false);
            case "nuc" -> LinearAlgebra.svdvals(a).sum(-1);
            default -> throw new IllegalArgumentException("matrixNorm: ord must be \"fro\", \"nuc\" or one of 1, -1, 2, -2, "
                    + "±infinity, got \"" + ord + "\"");
        };
        return keepDims ? r.unsqueeze(-1).unsqueeze(-1) : r;
    }

    /**
     * 2 / -2: the largest / smallest singular value; 1 / -1: the largest / smallest absolute column sum;
     * ±infinity: the largest / smallest absolute row sum.
     */
    static Tensor matrixNorm(Tensor a, double ord, boolean keepDims) {
        requireMatrix(a);
        Tensor r;
        if (ord == 2 || ord == -2) {
            Tensor s = LinearAlgebra.svdvals(a); // descending
            int k = s.dim(-1);
            r = ord == 2 ? s.select(-1, 0) : s.select(-1, k - 1);
        } else if (Math.abs(ord) == 1) {
            Tensor sums = a.abs().sum(-2);
            r = ord == 1 ? sums.max(-1) : sums.min(-1);
        } else if (Double.isInfinite(ord)) {
            Tensor sums = a.abs().sum(-1);
            r = ord > 0 ? sums.max(-1) : sums.min(-1);
        } else {
            throw new IllegalArgumentException("matrixNorm: ord must be one of 1, -1, 2, -2, ±infinity (or \"fro\", "
                    + "\"nuc\"), got " + ord);
        }
        return keepDims ? r.unsqueeze(-1).unsqueeze(-1) : r;
    }

    private static void requireMatrix(Tensor a) {
        Linalg.floating("matrixNorm", a);
        if (a.rank() < 2) {
            throw new IllegalArgumentException("matrixNorm: needs a matrix or a stack of matrices [..., m, n], got "
                    + a.type() + " (vectorNorm takes vectors)");
        }
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }
}

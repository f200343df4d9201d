package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/**
 * The partial derivatives of {@code y = a^b}, defined where the textbook formulas give {@code 0 * inf}:
 * <ul>
 *   <li>{@code dy/da = b a^(b-1)}, and {@code 0} at {@code a = 0, b = 0} ({@code a^0 = 1} does not depend
 *       on {@code a}; the formula gives {@code 0 * 0^(-1) = NaN} there);</li>
 *   <li>{@code dy/db = y log(a)}, and {@code 0} where {@code a == 0} and {@code b >= 0} ({@code 0^b} is
 *       constant for {@code b > 0}; PyTorch's convention, also at {@code b = 0}); NaN for {@code a < 0},
 *       where the real power has no derivative in {@code b}.</li>
 * </ul>
 * The masked elements are computed from a safe base ({@code 1} instead of {@code a}), not only replaced
 * afterwards: the derivative of a {@code where} sends a zero cotangent into the branch not taken, and
 * {@code 0 * inf} there would be NaN again in higher derivatives (Hessians, forward over reverse). Each
 * partial is computed only when asked for: an exponent without a derivative (a constant) costs nothing.
 */
final class PowRule {
    private PowRule() {
    }

    /**
     * {@code dy/da = b a^(b-1)}, 0 where {@code a == 0 && b == 0}; broadcastable to the output. Only that
     * point is masked: elsewhere the formula is smooth, and its derivative in {@code b} at {@code b = 0}
     * ({@code 1/a}, a mixed second derivative) must survive.
     */
    static Tensor base(Tensor a, Tensor b) {
        if ((!b.isTraced() && !hasZero(b)) || (!a.isTraced() && !hasZero(a))) {
            return b.mul(a.pow(b.sub(1)));
        }
        Tensor singular = a.eq(0).logicalAnd(b.eq(0));
        Tensor safe = Tensor.where(singular, Elementwise.scalarLike(1, a), a);
        return Tensor.where(singular, Elementwise.scalarLike(0, a), b.mul(safe.pow(b.sub(1))));
    }

    /** {@code dy/db = y log(a)}, 0 where {@code a == 0 && b >= 0}; broadcastable to the output. */
    static Tensor exponent(Tensor a, Tensor b, Tensor y) {
        if (!a.isTraced() && !hasZero(a)) {
            return y.mul(a.log());
        }
        Tensor flat = a.eq(0).logicalAnd(b.ge(0));
        Tensor safe = Tensor.where(flat, Elementwise.scalarLike(1, a), a);
        return Tensor.where(flat, Elementwise.scalarLike(0, y), y.mul(safe.log()));
    }

    /** Whether a concrete tensor holds a zero (a NaN is not one). */
    private static boolean hasZero(Tensor t) {
        for (double v : t.toDoubleArray()) {
            if (v == 0) {
                return true;
            }
        }
        return false;
    }
}

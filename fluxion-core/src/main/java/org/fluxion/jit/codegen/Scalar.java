package org.fluxion.jit.codegen;

import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;

/**
 * The scalar formulas of the elementwise operations: the eager kernels' own ({@link UnaryOp#value},
 * {@link BinaryOp#value}), so that the interpreter, the generated kernels and eager execution agree bit for
 * bit; masks are 1 / 0.
 */
final class Scalar {
    private Scalar() {
    }

    /** {@code op(x)} by the float64 kernel's formula. */
    static double unary(UnaryOp op, double x) {
        return op.value(x);
    }

    /** {@code op(x)} by the float32 kernel's formula (transcendental functions differ from float64's). */
    static float unary(UnaryOp op, float x) {
        return op.value(x);
    }

    /** {@code op(a, b)}; in a float32 program rounded to float by the caller, as the float32 kernel does. */
    static double binary(BinaryOp op, double a, double b) {
        return op.value(a, b);
    }
}

package org.fluxion.jvmad.runtime;

/**
 * Partial derivatives of {@code Math} functions that need a case analysis. Written in plain Java so
 * that derivative code calls them and, for second derivatives, differentiates them like user code.
 *
 * <p>Public because generated classes call them; not an API.
 */
public final class Rules {
    private Rules() {
    }

    /** {@code d|x|/dx}: the sign, 0 at 0 (the subgradient JAX and PyTorch use). */
    public static double absDerivative(double x) {
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    }

    /** {@code d max(a, b)/da}: 1 when {@code a} wins, 1/2 on a tie (as JAX), NaN when either is NaN. */
    public static double maxFirst(double a, double b) {
        return a > b ? 1 : a < b ? 0 : a == b ? 0.5 : Double.NaN;
    }

    /** {@code d min(a, b)/da}: 1 when {@code a} wins, 1/2 on a tie, NaN when either is NaN. */
    public static double minFirst(double a, double b) {
        return a < b ? 1 : a > b ? 0 : a == b ? 0.5 : Double.NaN;
    }

    /** {@code d x^y/dx = y x^(y-1)}, and 0 for {@code y = 0} (where {@code x^y = 1} even at {@code x = 0}). */
    public static double powBase(double x, double y) {
        return y == 0 ? 0 : y * Math.pow(x, y - 1);
    }

    /** {@code d x^y/dy = x^y log x} with {@code v = x^y}, and 0 at {@code x = 0, y >= 0} (as PyTorch). */
    public static double powExponent(double x, double y, double v) {
        return x == 0 && y >= 0 ? 0 : v * Math.log(x);
    }

    /** {@code d hypot(x, y)/dx = x / h} with {@code h = hypot(x, y)}, and 0 at the origin. */
    public static double hypotPartial(double x, double h) {
        return h == 0 ? 0 : x / h;
    }
}

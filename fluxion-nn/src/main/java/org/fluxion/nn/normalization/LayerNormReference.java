package org.fluxion.nn.normalization;

import org.fluxion.tensor.Tensor;

/**
 * Layer normalization by its formula in primitives: what {@link LayerNormPrimitive}'s kernel is tested
 * against, and the composite its forward-mode and higher-order derivatives are taken from
 * ({@link org.fluxion.nn.fused.CompositeRules}). Normalized over the trailing {@code axes} axes of {@code x};
 * {@code w} and {@code b} have their shape (both null: no affine map).
 */
public final class LayerNormReference {
    private LayerNormReference() {
    }

    /** {@code y = (x - mean) / sqrt(var + eps) w + b}, mean and biased variance over the trailing axes. */
    public static Tensor forward(Tensor x, Tensor w, Tensor b, int axes, double eps) {
        int[] over = trailing(x, axes);
        // x - mean formed once, for the variance and the output: variance(x) would centre x again
        Tensor centred = x.sub(x.mean(over, true));
        Tensor y = centred.mul(centred.square().mean(over, true).add(eps).rsqrt());
        return w == null ? y : y.mul(w).add(b);
    }

    /**
     * The cotangents {@code [dx, dw, db]} ({@code [dx]} without an affine map, {@code w} null) for the
     * cotangent {@code g} of y: {@code dx = rstd (g w - mean(g w) - xhat mean(g w xhat))},
     * {@code dw = sum g xhat}, {@code db = sum g} over the leading axes.
     */
    public static Tensor[] backward(Tensor x, Tensor w, Tensor g, int axes, double eps) {
        int[] over = trailing(x, axes);
        Tensor centred = x.sub(x.mean(over, true));
        Tensor rstd = centred.square().mean(over, true).add(eps).rsqrt();
        Tensor xhat = centred.mul(rstd);
        Tensor gw = w == null ? g : g.mul(w);
        Tensor dx = gw.sub(gw.mean(over, true)).sub(xhat.mul(gw.mul(xhat).mean(over, true))).mul(rstd);
        if (w == null) {
            return new Tensor[] {dx};
        }
        int[] lead = new int[x.rank() - axes];
        for (int i = 0; i < lead.length; i++) {
            lead[i] = i;
        }
        return new Tensor[] {dx, g.mul(xhat).sum(lead, false), g.sum(lead, false)};
    }

    private static int[] trailing(Tensor x, int axes) {
        int[] over = new int[axes];
        for (int i = 0; i < axes; i++) {
            over[i] = x.rank() - axes + i;
        }
        return over;
    }
}

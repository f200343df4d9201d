package org.fluxion.nn.normalization;

import org.fluxion.kernels.Vectorization;

/**
 * The row loops of {@link LayerNormKernels} in float32: whole vectors in {@link LayerNormLanesF32} when the
 * Vector API is on ({@link Vectorization}), the rest, or everything without it, in the plain loops here (the
 * same formulas, so an element gets the same bits whichever loop takes it). Sums are taken in double.
 */
final class LayerNormRowsF32 {
    private LayerNormRowsF32() {
    }

    /** The elements the vector lanes take, from the start of a row of {@code n}: none without the Vector API. */
    private static int lanes(int n) {
        return Vectorization.ENABLED ? LayerNormLanesF32.bound(n) : 0;
    }

    /** {@code mean = sum x / n}, the row's mean as float32. */
    static float mean(float[] x, int off, int n) {
        double s = Vectorization.ENABLED ? LayerNormLanesF32.sum(x, off, n) : 0;
        for (int i = lanes(n); i < n; i++) {
            s += x[off + i];
        }
        return (float) (s / n);
    }

    /** {@code 1 / sqrt(sum (x - mean)^2 / n + eps)}: the reciprocal of the row's standard deviation. */
    static float rstd(float[] x, int off, int n, float mean, double eps) {
        double s = Vectorization.ENABLED ? LayerNormLanesF32.centredSquares(x, off, n, mean) : 0;
        for (int i = lanes(n); i < n; i++) {
            float c = x[off + i] - mean;
            s += c * c;
        }
        return (float) (1 / Math.sqrt(s / n + eps));
    }

    /** {@code y = (x - mean) rstd w + b} over a row. */
    static void normalize(float[] x, int xo, float[] w, int wo, float[] b, int bo, float[] y, int yo, int n,
                          float mean, float rstd) {
        if (Vectorization.ENABLED) {
            LayerNormLanesF32.normalize(x, xo, w, wo, b, bo, y, yo, n, mean, rstd);
        }
        for (int i = lanes(n); i < n; i++) {
            float xhat = (x[xo + i] - mean) * rstd;
            y[yo + i] = xhat * w[wo + i] + b[bo + i];
        }
    }

    /** {@code sums[0] = sum g w} and {@code sums[1] = sum g w xhat} over a row. */
    static void projections(float[] x, int xo, float[] g, int go, float[] w, int wo, int n, float mean, float rstd,
                            double[] sums) {
        if (Vectorization.ENABLED) {
            LayerNormLanesF32.projections(x, xo, g, go, w, wo, n, mean, rstd, sums);
        } else {
            sums[0] = 0;
            sums[1] = 0;
        }
        for (int i = lanes(n); i < n; i++) {
            float xhat = (x[xo + i] - mean) * rstd;
            float gw = g[go + i] * w[wo + i];
            sums[0] += gw;
            sums[1] += gw * xhat;
        }
    }

    /**
     * Over a row: {@code dx = rstd (g w - a - xhat c)}, and the row's terms of the weight and bias cotangents
     * added into the partial sums {@code pw += g xhat}, {@code pb += g}.
     */
    static void gradients(float[] x, int xo, float[] g, int go, float[] w, int wo, float[] dx, int dxo, float[] pw,
                          float[] pb, int n, float mean, float rstd, float a, float c) {
        if (Vectorization.ENABLED) {
            LayerNormLanesF32.gradients(x, xo, g, go, w, wo, dx, dxo, pw, pb, n, mean, rstd, a, c);
        }
        for (int i = lanes(n); i < n; i++) {
            float xhat = (x[xo + i] - mean) * rstd;
            float gv = g[go + i];
            dx[dxo + i] = (gv * w[wo + i] - a - xhat * c) * rstd;
            pw[i] += gv * xhat;
            pb[i] += gv;
        }
    }
}

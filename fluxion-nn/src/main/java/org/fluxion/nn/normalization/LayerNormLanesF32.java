package org.fluxion.nn.normalization;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API parts of {@link LayerNormRowsF32}'s loops: each covers the first {@link #bound(int) bound(n)}
 * elements of a row in whole vectors, and the caller's scalar loop the rest, by the same formulas. Sums add
 * their lanes in lane order (not {@code reduceLanes}, whose order differs between its intrinsic and its
 * fallback), so a result has the same bits before and after C2 compiles the loop. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class LayerNormLanesF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LayerNormLanesF32() {
    }

    /** The elements of a row of {@code n} these methods cover: a multiple of the lane count. */
    static int bound(int n) {
        return S.loopBound(n);
    }

    /** The covered part of {@code sum x[i]}. */
    static double sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        return inLaneOrder(acc);
    }

    /** The covered part of {@code sum (x[i] - mean)^2}. */
    static double centredSquares(float[] x, int off, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector c = FloatVector.fromArray(S, x, off + i).sub(mean);
            acc = acc.add(c.mul(c));
        }
        return inLaneOrder(acc);
    }

    /** {@code y[i] = (x[i] - mean) rstd w[i] + b[i]} for the covered elements. */
    static void normalize(float[] x, int xo, float[] w, int wo, float[] b, int bo, float[] y, int yo, int n,
                          float mean, float rstd) {
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector xhat = FloatVector.fromArray(S, x, xo + i).sub(mean).mul(rstd);
            xhat.mul(FloatVector.fromArray(S, w, wo + i)).add(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
    }

    /** The covered parts of {@code sum g[i] w[i]} (into {@code sums[0]}) and {@code sum g[i] w[i] xhat[i]}. */
    static void projections(float[] x, int xo, float[] g, int go, float[] w, int wo, int n, float mean, float rstd,
                            double[] sums) {
        FloatVector a = FloatVector.zero(S);
        FloatVector c = FloatVector.zero(S);
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector xhat = FloatVector.fromArray(S, x, xo + i).sub(mean).mul(rstd);
            FloatVector gw = FloatVector.fromArray(S, g, go + i).mul(FloatVector.fromArray(S, w, wo + i));
            a = a.add(gw);
            c = c.add(gw.mul(xhat));
        }
        sums[0] = inLaneOrder(a);
        sums[1] = inLaneOrder(c);
    }

    /**
     * For the covered elements: {@code dx[i] = rstd (g[i] w[i] - a - xhat[i] c)}, {@code pw[i] += g[i] xhat[i]},
     * {@code pb[i] += g[i]}.
     */
    static void gradients(float[] x, int xo, float[] g, int go, float[] w, int wo, float[] dx, int dxo, float[] pw,
                          float[] pb, int n, float mean, float rstd, float a, float c) {
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector xhat = FloatVector.fromArray(S, x, xo + i).sub(mean).mul(rstd);
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            gv.mul(FloatVector.fromArray(S, w, wo + i)).sub(a).sub(xhat.mul(c)).mul(rstd).intoArray(dx, dxo + i);
            FloatVector.fromArray(S, pw, i).add(gv.mul(xhat)).intoArray(pw, i);
            FloatVector.fromArray(S, pb, i).add(gv).intoArray(pb, i);
        }
    }

    private static double inLaneOrder(FloatVector v) {
        double s = 0;
        for (float lane : v.toArray()) {
            s += lane;
        }
        return s;
    }
}

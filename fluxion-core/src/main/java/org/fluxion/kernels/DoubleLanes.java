package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API parts of the float64 dense linear-algebra loops ({@link SvdKernel}, {@link EighKernel},
 * {@link RotationSequence}). Each method covers the first {@link #bound(int) bound(len)} entries of a loop in
 * whole vectors; its caller runs the scalar loop over the rest, or over everything when
 * {@link Vectorization#ENABLED} is false (this class is loaded only when it is true).
 */
final class DoubleLanes {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private DoubleLanes() {
    }

    /**
     * The lanes of a vector that starts at element {@code from} of a run of {@code limit} elements (all, or the
     * first {@code limit - from}). Built from a bit pattern: {@code VectorSpecies.indexInRange} allocates
     * (see {@link FloatRuns#lanes}).
     */
    static VectorMask<Double> lanes(int from, int limit) {
        int count = Math.max(0, Math.min(S.length(), limit - from));
        return VectorMask.fromLong(S, (1L << count) - 1);
    }

    /** The entries of a loop of {@code len} that the methods below cover: a multiple of the lane count. */
    static int bound(int len) {
        return S.loopBound(len);
    }

    /** {@code sum_i x[p + i] x[q + i]} over {@code i < bound(len)}, by fma in the lanes, then across them. */
    static double dot(double[] x, int p, int q, int len) {
        DoubleVector ab = DoubleVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += S.length()) {
            ab = DoubleVector.fromArray(S, x, p + i).fma(DoubleVector.fromArray(S, x, q + i), ab);
        }
        return inLaneOrder(ab);
    }

    /** {@code a <- c a - s b}, {@code b <- s a + c b} for {@code a = x[p + i]}, {@code b = x[q + i]}, {@code i < bound(len)}. */
    static void rotate(double[] x, int p, int q, int len, double c, double s) {
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector a = DoubleVector.fromArray(S, x, p + i);
            DoubleVector b = DoubleVector.fromArray(S, x, q + i);
            a.mul(c).sub(b.mul(s)).intoArray(x, p + i);
            a.mul(s).add(b.mul(c)).intoArray(x, q + i);
        }
    }

    /**
     * Rows p and q of {@code m}, columns {@code j0 .. j0 + bound(len)}: {@code a <- c a + s b}, {@code b <- c b - s a}
     * (no fma, so that every element rounds as the scalar rotation does).
     */
    static void rotateRows(double[] m, int p, int q, double c, double s, int j0, int len) {
        int end = j0 + S.loopBound(len);
        for (int j = j0; j < end; j += S.length()) {
            DoubleVector a = DoubleVector.fromArray(S, m, p + j);
            DoubleVector b = DoubleVector.fromArray(S, m, q + j);
            a.mul(c).add(b.mul(s)).intoArray(m, p + j);
            b.mul(c).sub(a.mul(s)).intoArray(m, q + j);
        }
    }

    /** Two rotations of rows p, q, then q, r (as {@link #rotateRows} twice), row q kept in registers between them. */
    static void rotateRowPairs(double[] m, int p, int q, int r, double c0, double s0, double c1, double s1, int j0,
                               int len) {
        int end = j0 + S.loopBound(len);
        for (int j = j0; j < end; j += S.length()) {
            DoubleVector a = DoubleVector.fromArray(S, m, p + j);
            DoubleVector b = DoubleVector.fromArray(S, m, q + j);
            DoubleVector d = DoubleVector.fromArray(S, m, r + j);
            a.mul(c0).add(b.mul(s0)).intoArray(m, p + j);
            DoubleVector b1 = b.mul(c0).sub(a.mul(s0));
            b1.mul(c1).add(d.mul(s1)).intoArray(m, q + j);
            d.mul(c1).sub(b1.mul(s1)).intoArray(m, r + j);
        }
    }

    /**
     * One row of {@link EighKernel}'s symmetric rank-2 update and product, over columns {@code lo .. lo + bound(len)}:
     * when {@code update}, {@code s[ri + j] -= ui q[j] + qi s[uOff + j]}; when {@code multiply},
     * {@code p[j] += s[ri + j] wi} and the returned sum is {@code sum_j s[ri + j] s[wOff + j]} (else 0).
     */
    static double updateAndMultiplyRow(double[] s, int ri, int lo, int len, boolean update, double ui, double qi,
                                       int uOff, double[] q, boolean multiply, double wi, int wOff, double[] p) {
        DoubleVector vui = DoubleVector.broadcast(S, ui);
        DoubleVector vqi = DoubleVector.broadcast(S, qi);
        DoubleVector vwi = DoubleVector.broadcast(S, wi);
        DoubleVector dot = DoubleVector.zero(S);
        int end = lo + S.loopBound(len);
        for (int j = lo; j < end; j += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, s, ri + j);
            if (update) {
                DoubleVector qj = DoubleVector.fromArray(S, q, j);
                DoubleVector uj = DoubleVector.fromArray(S, s, uOff + j);
                v = v.sub(vui.mul(qj).add(vqi.mul(uj)));
                v.intoArray(s, ri + j);
            }
            if (multiply) {
                dot = v.fma(DoubleVector.fromArray(S, s, wOff + j), dot);
                v.fma(vwi, DoubleVector.fromArray(S, p, j)).intoArray(p, j);
            }
        }
        return multiply ? inLaneOrder(dot) : 0;
    }
    /** {@code y[yo + i] += a x[xo + i]} over {@code i < bound(len)} (fma). */
    static void axpy(double a, double[] x, int xo, double[] y, int yo, int len) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector.fromArray(S, x, xo + i).fma(va, DoubleVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
    }

    /**
     * {@code y[yo + i] -= f w[wo + i]}, then the sum of {@code y[yo + i] u[uo + i]} over {@code i < bound(len)}:
     * a row of {@link Bidiagonalization}'s left update, and its product with the next right reflector.
     */
    static double subtractAndDot(double[] y, int yo, double f, double[] w, int wo, double[] u, int uo, int len) {
        DoubleVector vf = DoubleVector.broadcast(S, -f);
        DoubleVector dot = DoubleVector.zero(S);
        int bound = S.loopBound(len);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, w, wo + i).fma(vf, DoubleVector.fromArray(S, y, yo + i));
            v.intoArray(y, yo + i);
            dot = v.fma(DoubleVector.fromArray(S, u, uo + i), dot);
        }
        return inLaneOrder(dot);
    }

    /**
     * The sum of the lanes, added in lane order: {@code reduceLanes(ADD)} has no fixed order, and its intrinsic and its
     * Java fallback differ, so a sum would change when C2 compiles its caller.
     */
    private static double inLaneOrder(DoubleVector v) {
        double s = 0;
        for (double lane : v.toArray()) {
            s += lane;
        }
        return s;
    }
}

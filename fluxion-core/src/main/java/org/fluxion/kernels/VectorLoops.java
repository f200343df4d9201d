package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 Vector API loops of the eager elementwise kernels, one per operation that has one ({@code UnaryOp},
 * {@code BinaryOp}, {@code where}, casts of masks), and the small helpers they share. Each loop computes the
 * vectorized prefix of a run of {@code n} elements whose inputs have stride 1 or 0 (a broadcast value) and whose
 * output is contiguous, and returns how many elements it handled; the caller finishes the rest with the scalar
 * formula, which gives the same bits. Every loop is written out, not passed a lambda, so that each stays
 * monomorphic and C2 intrinsifies it. Called only when {@link Vectorization#ENABLED}.
 */
public final class VectorLoops {
    /** The widest float species of this CPU. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Number of float lanes of {@link #F}. */
    public static final int L = F.length();

    private VectorLoops() {
    }

    /** Lanes {@code i..i+L} of a run with stride 1, or the broadcast value of a run with stride 0. */
    public static FloatVector load(float[] a, int offset, int stride, int i) {
        return stride == 0 ? FloatVector.broadcast(F, a[offset]) : FloatVector.fromArray(F, a, offset + i);
    }

    /** Elements of a run that the vector loop covers: a multiple of L, or 0 when a stride is not 0/1. */
    public static int vectorBound(int n, int stride0, int stride1) {
        return (stride0 | stride1) >>> 1 == 0 ? F.loopBound(n) : 0;
    }

    // ---- y = f(x): x with stride xs in {0, 1} ----

    public static int neg(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) load(x, xo, xs, i).neg().intoArray(y, yo + i);
        return i;
    }

    public static int abs(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) load(x, xo, xs, i).abs().intoArray(y, yo + i);
        return i;
    }

    public static int exp(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.exp(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int erf(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.erf(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int log(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.log(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int sqrt(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) load(x, xo, xs, i).sqrt().intoArray(y, yo + i);
        return i;
    }

    public static int sin(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.sin(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int cos(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.cos(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int tanh(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.tanh(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int sigmoid(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) VectorMath.sigmoid(load(x, xo, xs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int relu(float[] x, int xo, int xs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, xs, 1); i < e; i += L) load(x, xo, xs, i).max(0f).intoArray(y, yo + i);
        return i;
    }

    // ---- y = a op b: a, b with strides as, bs in {0, 1} ----

    public static int add(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).add(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int sub(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).sub(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int mul(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).mul(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int div(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).div(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int maximum(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).max(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int minimum(float[] a, int ao, int as, float[] b, int bo, int bs, float[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).min(load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    // ---- comparisons into a bool run ----

    public static int eq(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.EQ, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int ne(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.NE, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int lt(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.LT, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int le(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.LE, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int gt(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.GT, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    public static int ge(float[] a, int ao, int as, float[] b, int bo, int bs, boolean[] y, int yo, int n) {
        int i = 0;
        for (int e = vectorBound(n, as, bs); i < e; i += L) load(a, ao, as, i).compare(VectorOperators.GE, load(b, bo, bs, i)).intoArray(y, yo + i);
        return i;
    }

    // ---- masks ----

    /** {@code y = c ? a : b} (where), all strides in {0, 1}; 0 for other strides. */
    public static int where(boolean[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs,
                            float[] y, int yo, int n) {
        if ((cs | as | bs) >>> 1 != 0) {
            return 0;
        }
        int i = 0;
        for (int e = F.loopBound(n); i < e; i += L) {
            VectorMask<Float> m = cs == 0 ? F.maskAll(c[co]) : VectorMask.fromArray(F, c, co + i);
            load(b, bo, bs, i).blend(load(a, ao, as, i), m).intoArray(y, yo + i);
        }
        return i;
    }

    /** {@code y = x ? 1 : 0} from a contiguous bool run (a mask cast to float32). */
    public static int toFloat(boolean[] x, int xo, float[] y, int yo, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int e = F.loopBound(n); i < e; i += L) {
            zero.blend(one, VectorMask.fromArray(F, x, xo + i)).intoArray(y, yo + i);
        }
        return i;
    }
}

package org.fluxion.kernels;

import static org.fluxion.kernels.ScalarMath.*;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 vector forms of {@link ScalarMath}'s transcendental functions: the same constants and the same
 * sequence of IEEE operations lane by lane, so each lane is bit for bit the scalar form; and {@code lanewise},
 * a scalar function applied lane by lane (the functions without a vector form, float64's {@link StrictMath}).
 * Eager kernels ({@link VectorLoops}) and the jit's generated kernels ({@code VF}, {@code VD}) call them, only
 * when {@link Vectorization#ENABLED}.
 *
 * <p><b>Why not {@code VectorOperators.EXP} and friends.</b> Their result depends on compilation state: the
 * Java fallback, which runs until C2 compiles the loop, computes {@code (float) Math.exp(x)} lane by lane,
 * while C2's intrinsic calls a short-vector math library whose last bits differ (measured on JDK 25, x86-64
 * with AVX-512: eager float32 {@code exp}, {@code tanh}, {@code sigmoid} and jitted {@code sin} changed bits
 * after a few thousand calls; {@code -Xint} and {@code -Xcomp} agreed with the cold values). Plain
 * {@code add}/{@code mul}/{@code div}/conversions/bit operations are IEEE-exact in both, so polynomials built
 * from them do not change.
 *
 * <p><b>Speed.</b> C2 inlines a vector form into its caller's loop, or boxes every vector passing between them
 * (a heap allocation per vector and 5-10x slower). So the vector forms of {@code exp}, {@code log}, {@code tanh}
 * and {@code sigmoid} are single methods under C2's FreqInlineSize (325 bytecodes) that call nothing but the
 * Vector API (which C2 always inlines) on their usual path, but for tanh's and sigmoid's call of exp, made
 * early while the node count is low: a helper method is refused once C2's parse passes
 * NodeCountInliningCutoff (18000 nodes; each Vector API call costs a few hundred), or when C1-compiled callers
 * made C2 compile it alone first ("already compiled into a big method"). They also take fewer operations:
 * FMA Horner steps, {@code 2^n} shifted into the exponent bits, and rare inputs (|x| > 87 for exp; zero,
 * negative, subnormal, inf, NaN for log) on a branch the vector form takes for all lanes when any lane needs it.
 * Measured eager, 10M floats, one thread, against the intrinsics of {@code VectorOperators} in the same runs:
 * exp 3.1-3.4 ms (3.6-3.9), log 3.6 ms (3.7), tanh 4.9-5.0 ms (6.0-6.2), sigmoid 4.6-4.8 ms (4.0-4.2). The
 * jit's generated kernels call them through method handles past the first one (see its BytecodeGenerator).
 * tan, log1p, expm1 and pow have no vector form: callers apply the scalar one with {@code lanewise} (slow, exact).
 */
public final class VectorMath {
    private static final VectorSpecies<Float> F = VectorLoops.F;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Doubles of the same bit size as {@link #F}: half as many lanes. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private VectorMath() {
    }

    /**
     * {@link ScalarMath#exp(float)} on each lane. One method with no calls but the Vector API's (which C2 always inlines):
     * C2 does not inline a call it meets past NodeCountInliningCutoff, and then boxes every vector.
     */
    public static FloatVector exp(FloatVector x) {
        boolean near = !x.abs().compare(VectorOperators.GT, EXP_NEAR).anyTrue(); // NaN counts as near
        FloatVector xc = near ? x : x.max(EXP_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -C2), n.fma(FloatVector.broadcast(F, -C1), xc));
        FloatVector p = r.fma(E0, E1).fma(r, FloatVector.broadcast(F, E2)).fma(r, FloatVector.broadcast(F, E3))
                .fma(r, FloatVector.broadcast(F, E4)).fma(r, FloatVector.broadcast(F, E5));
        p = p.fma(r, FloatVector.broadcast(F, 1f)).fma(r, FloatVector.broadcast(F, 1f));
        IntVector tb = t.reinterpretAsInts();
        IntVector pow = tb.lanewise(VectorOperators.LSHL, 23);
        if (near) {
            return p.mul(pow.reinterpretAsFloats());
        }
        IntVector n1 = tb.sub(ROUND_BITS).lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.LSHL, 23);
        return p.mul(n1.add(127 << 23).reinterpretAsFloats()).mul(pow.sub(n1).reinterpretAsFloats());
    }

    /**
     * {@link ScalarMath#log(float)} on each lane. One method, under C2's FreqInlineSize of 325 bytecodes, with no calls but
     * the Vector API's on the usual path (see {@link #exp(FloatVector)}); the others are not taken on ordinary
     * data, so C2 compiles them as traps.
     */
    public static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        boolean usual = bits.sub(0x00800000).compare(VectorOperators.ULT, 0x7f000000).allTrue();
        if (!usual) {
            bits = logSubnormalBits(x);
        }
        IntVector ix = bits.add(SQRT_SHIFT);
        FloatVector f = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector fe = (FloatVector) ix.lanewise(VectorOperators.ASHR, 23).sub(127).convert(VectorOperators.I2F, 0);
        if (!usual) {
            fe = fe.blend(fe.sub(23f), x.compare(VectorOperators.LT, Float.MIN_NORMAL));
        }
        FloatVector z = f.mul(f);
        FloatVector y = f.fma(L0, L1).fma(f, FloatVector.broadcast(F, L2)).fma(f, FloatVector.broadcast(F, L3))
                .fma(f, FloatVector.broadcast(F, L4)).fma(f, FloatVector.broadcast(F, L5))
                .fma(f, FloatVector.broadcast(F, L6)).fma(f, FloatVector.broadcast(F, L7))
                .fma(f, FloatVector.broadcast(F, L8));
        y = fe.fma(FloatVector.broadcast(F, C2), y.mul(f).mul(z));
        FloatVector r = fe.fma(FloatVector.broadcast(F, C1), f.add(z.fma(FloatVector.broadcast(F, -0.5f), y)));
        return usual ? r : logSpecial(x, r);
    }

    /** The bits of x, times 2^23 in the subnormal lanes (x < MIN_NORMAL). */
    private static IntVector logSubnormalBits(FloatVector x) {
        return x.blend(x.mul(TWO23), x.compare(VectorOperators.LT, Float.MIN_NORMAL)).reinterpretAsInts();
    }

    /** NaN for x < 0 or NaN, -inf for ±0, +inf for +inf. */
    private static FloatVector logSpecial(FloatVector x, FloatVector r) {
        r = r.blend(Float.NaN, x.compare(VectorOperators.GT, 0f).not());
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return r.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    /** {@link ScalarMath#tanh(float)} on each lane. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector small = z.fma(T0, T1).fma(z, FloatVector.broadcast(F, T2)).fma(z, FloatVector.broadcast(F, T3)).fma(z, FloatVector.broadcast(F, T4)).mul(z).fma(a, a);
        FloatVector r = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(exp(a.add(a)).add(1f)));
        r = r.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        return r.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /** {@link ScalarMath#sigmoid(float)} on each lane. */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector z = exp(x.abs().neg());
        FloatVector d = z.add(1f);
        FloatVector q = FloatVector.broadcast(F, 1f).blend(z, x.compare(VectorOperators.LT, 0f)).div(d);
        return q.sub(q.mul(FloatVector.broadcast(F, 1f).sub(d).add(z).div(d)));
    }

    /** {@link ScalarMath#sin(float)} on each lane. */
    public static FloatVector sin(FloatVector x) {
        return trig(x, 0);
    }

    /** {@link ScalarMath#cos(float)} on each lane. */
    public static FloatVector cos(FloatVector x) {
        return trig(x, 1);
    }

    private static FloatVector trig(FloatVector x, int shift) {
        FloatVector lo = trigLow(x, shift);
        FloatVector r = lo.blend(trigHigh(x, shift), UPPER_HALF);
        if (shift == 0) {
            r = r.blend(x, x.compare(VectorOperators.EQ, 0f));
        }
        VectorMask<Float> far = x.abs().compare(VectorOperators.LE, TRIG_MAX).not();
        return far.anyTrue() ? trigFar(x, r, far, shift) : r;
    }

    private static FloatVector trigLow(FloatVector x, int shift) {
        DoubleVector d = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 0);
        return trigQuadrant(trigReduce(d), trigRound(d), shift).convertShape(VectorOperators.D2F, F, 0).reinterpretAsFloats();
    }

    private static FloatVector trigHigh(FloatVector x, int shift) {
        DoubleVector d = (DoubleVector) x.convertShape(VectorOperators.F2D, D, 1);
        return trigQuadrant(trigReduce(d), trigRound(d), shift).convertShape(VectorOperators.D2F, F, -1).reinterpretAsFloats();
    }

    /** Lanes beyond {@link ScalarMath#TRIG_MAX} (and NaN, inf): the scalar form, which defers to StrictMath. */
    private static FloatVector trigFar(FloatVector x, FloatVector r, VectorMask<Float> far, int shift) {
        float[] a = x.toArray();
        float[] b = r.toArray();
        for (int k = 0; k < a.length; k++) {
            if (far.laneIsSet(k)) {
                b[k] = ScalarMath.trig(a[k], shift);
            }
        }
        return FloatVector.fromArray(F, b, 0);
    }

    /** {@code t = x 2/π + 1.5 * 2^52}: j in the low bits of t, {@code j = t - 1.5 * 2^52}. */
    private static DoubleVector trigRound(DoubleVector x) {
        return x.mul(TWO_OVER_PI).add(DROUND);
    }

    private static DoubleVector trigReduce(DoubleVector x) {
        DoubleVector j = trigRound(x).sub(DROUND);
        return x.sub(j.mul(P1)).sub(j.mul(P2)).sub(j.mul(P3));
    }

    /** sin(r) or cos(r) by quadrant {@code (j + shift) mod 4}, negated in quadrants 2 and 3. */
    private static DoubleVector trigQuadrant(DoubleVector r, DoubleVector t, int shift) {
        LongVector q = t.reinterpretAsLongs().add(shift);
        DoubleVector v = sinPoly(r).blend(cosPoly(r), q.and(1L).compare(VectorOperators.NE, 0L).cast(D));
        return v.blend(v.neg(), q.and(2L).compare(VectorOperators.NE, 0L).cast(D));
    }

    private static DoubleVector sinPoly(DoubleVector r) {
        DoubleVector z = r.mul(r);
        return z.mul(S5).add(S4).mul(z).add(S3).mul(z).add(S2).mul(z).add(S1).mul(z).mul(r).add(r);
    }

    private static DoubleVector cosPoly(DoubleVector r) {
        DoubleVector z = r.mul(r);
        return z.mul(K6).add(K5).mul(z).add(K4).mul(z).add(K3).mul(z).add(K2).mul(z).add(K1).mul(z).add(1);
    }

    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(F, (-1L << (F.length() / 2)) & ((1L << F.length()) - 1));

    /** {@code f} of each lane, in float via double: {@code (float) f((double) x)}. */
    public static FloatVector lanewise(FloatVector x, DoubleUnaryOperator f) {
        float[] a = x.toArray();
        for (int k = 0; k < a.length; k++) {
            a[k] = (float) f.applyAsDouble(a[k]);
        }
        return FloatVector.fromArray(x.species(), a, 0);
    }

    /** {@code f} of each pair of lanes, in float via double. */
    public static FloatVector lanewise(FloatVector x, FloatVector y, DoubleBinaryOperator f) {
        float[] a = x.toArray();
        float[] b = y.toArray();
        for (int k = 0; k < a.length; k++) {
            a[k] = (float) f.applyAsDouble(a[k], b[k]);
        }
        return FloatVector.fromArray(x.species(), a, 0);
    }

    /** {@code f} of each lane of a double vector. */
    public static DoubleVector lanewise(DoubleVector x, DoubleUnaryOperator f) {
        double[] a = x.toArray();
        for (int k = 0; k < a.length; k++) {
            a[k] = f.applyAsDouble(a[k]);
        }
        return DoubleVector.fromArray(x.species(), a, 0);
    }

    /** {@code f} of each pair of lanes of two double vectors. */
    public static DoubleVector lanewise(DoubleVector x, DoubleVector y, DoubleBinaryOperator f) {
        double[] a = x.toArray();
        double[] b = y.toArray();
        for (int k = 0; k < a.length; k++) {
            a[k] = f.applyAsDouble(a[k], b[k]);
        }
        return DoubleVector.fromArray(x.species(), a, 0);
    }

    /** erf of each lane, bit for bit as {@link ScalarMath#erf(float)}. */
    public static FloatVector erf(FloatVector x) {
        float[] pc = ScalarMath.ERF_P;
        float[] qc = ScalarMath.ERF_Q;
        FloatVector a = x.abs().min(4f);
        FloatVector z = a.mul(a);
        FloatVector p = FloatVector.broadcast(x.species(), pc[6]);
        for (int k = 5; k >= 0; k--) {
            p = p.fma(z, FloatVector.broadcast(x.species(), pc[k]));
        }
        FloatVector q = FloatVector.broadcast(x.species(), qc[4]);
        for (int k = 3; k >= 0; k--) {
            q = q.fma(z, FloatVector.broadcast(x.species(), qc[k]));
        }
        // Math.copySign: the result is >= 0 (or NaN), so x's sign bit ORed in.
        FloatVector r = a.mul(p).div(q).min(1f);
        return r.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }
}

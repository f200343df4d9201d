package org.fluxion.kernels;

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
 * The transcendental functions of the elementwise kernels, each written once, with its scalar form and its
 * float32 vector form side by side: the same constants and the same sequence of IEEE operations, FMAs included
 * ({@link Math#fma} and {@code FloatVector.fma} are both exactly rounded, and Java never contracts on its own),
 * so a vector lane, a loop tail and the jit's scalar interpreter give the same
 * bits. Eager kernels ({@code UnaryOp}, {@code BinaryOp}), the jit's {@code Interpreter} and its generated
 * kernels ({@code VF}, {@code VD}) all call these methods.
 *
 * <p><b>Why not {@code VectorOperators.EXP} and friends.</b> Their result depends on compilation state: the
 * Java fallback, which runs until C2 compiles the loop, computes {@code (float) Math.exp(x)} lane by lane,
 * while C2's intrinsic calls a short-vector math library whose last bits differ (measured on JDK 25, x86-64
 * with AVX-512: eager float32 {@code exp}, {@code tanh}, {@code sigmoid} and jitted {@code sin} changed bits
 * after a few thousand calls; {@code -Xint} and {@code -Xcomp} agreed with the cold values). Plain
 * {@code add}/{@code mul}/{@code div}/conversions/bit operations are IEEE-exact in both, so polynomials built
 * from them do not change.
 *
 * <p><b>Float32 accuracy</b> (largest error against {@code Math} in double over every 4099th float bit pattern
 * and the special values, {@code VectorMathTest}): {@code exp} 0.83 ulp (normal and subnormal results; +inf
 * above 88.72284, 0 below -103.97208), {@code log} 0.75 ulp (subnormal inputs included), {@code tanh} 1.2 ulp,
 * {@code sigmoid} 1.74 ulp, {@code sin}, {@code cos} 0.5 ulp for every finite input (reduction modulo π/2 in
 * double with a three-part π/2 below 1e6, {@code StrictMath} above). The remaining ones ({@code tan},
 * {@code log1p}, {@code expm1}, {@code pow}) are {@code StrictMath} in double rounded once to float, lane by
 * lane: about 0.5 ulp (a double within 1 ulp, rounded once to float), and slow in vector form.
 *
 * <p><b>Float64</b> uses {@link StrictMath} (fdlibm, pure Java since JDK 21: the same bits interpreted or
 * compiled, on every platform); vector forms apply it lane by lane.
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
 */
public final class VectorMath {
    private static final VectorSpecies<Float> F = VectorLoops.F;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Doubles of the same bit size as {@link #F}: half as many lanes. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private VectorMath() {
    }

    // ---------------------------------------------------------------- exp (float32)

    private static final float EXP_HI = 89f, EXP_LO = -104f;
    /** Up to this |x|, {@code n = round(x log2 e)} is in [-126, 126], so one normal factor 2^n scales. */
    private static final float EXP_NEAR = 87f;
    private static final float LOG2E = 1.44269504088896341f;
    /**
     * 1.5 * 2^23 + 127: adding it rounds a float of magnitude < 2^22 to an integer n, and n + 127 (the biased
     * exponent of 2^n) lands in the low bits, so {@code bits << 23} is 2^n for n in [-126, 127].
     */
    private static final float ROUND = 12583039f;
    private static final int ROUND_BITS = 0x4b40007f;
    /** ln 2 = C1 + C2, C1 with 9 significant bits, so n * C1 is exact for |n| <= 2^15. */
    private static final float C1 = 0.693359375f, C2 = -2.12194440e-4f;
    private static final float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
            E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;

    /**
     * {@code e^x}: {@code x = n ln2 + r}, {@code |r| <= ln2 / 2}, {@code e^r ≈ 1 + r (1 + r P(r))} (Cephes
     * coefficients, every Horner step one exactly rounded FMA), times {@code 2^n}. For {@code |x| <= 87} that is one
     * normal power of two; beyond, x is first clamped to [-104, 89] (the result is 0 or +inf anyway, NaN passes)
     * and 2^n is applied as two normal powers of two, so that subnormal results are rounded once. Both ways round
     * the exact product {@code p 2^n} once, so they agree wherever both apply: the vector form takes the second
     * for all lanes when any lane needs it, and still equals this lane by lane.
     */
    public static float exp(float x) {
        boolean near = Math.abs(x) <= EXP_NEAR;
        float xc = near ? x : Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -C2, Math.fma(n, -C1, xc));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(E0, r, E1), r, E2), r, E3), r, E4);
        p = Math.fma(Math.fma(Math.fma(p, r, E5), r, 1f), r, 1f);
        int tb = Float.floatToRawIntBits(t);
        if (near) {
            return p * Float.intBitsToFloat(tb << 23);
        }
        int n1 = (tb - ROUND_BITS) >> 1;
        return p * Float.intBitsToFloat((n1 << 23) + (127 << 23)) * Float.intBitsToFloat((tb << 23) - (n1 << 23));
    }

    /**
     * {@link #exp(float)} on each lane. One method with no calls but the Vector API's (which C2 always inlines):
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

    // ---------------------------------------------------------------- log (float32)

    /** Bits of the float √½ (0x3f3504f3); adding 1.0's bits less these moves mantissas from √2 up to the next binade. */
    private static final int SQRT_HALF_BITS = 0x3f3504f3, SQRT_SHIFT = 0x3f800000 - SQRT_HALF_BITS;
    private static final float TWO23 = 8388608f;
    private static final float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f,
            L3 = -1.2420140846e-1f, L4 = 1.4249322787e-1f, L5 = -1.6668057665e-1f, L6 = 2.0000714765e-1f,
            L7 = -2.4999993993e-1f, L8 = 3.3333331174e-1f;

    /**
     * {@code ln x}: {@code x = 2^e m}, m in [√½, √2) (found by adding {@code 1.0 - √½} to the bits: the
     * exponent field is carried into for mantissas at or above √2), {@code ln m = f - f^2/2 + f^3 P(f)} with
     * {@code f = m - 1} (Cephes coefficients, Horner steps as FMAs), plus {@code e ln2} in two parts. Positive
     * normal finite x (one unsigned compare of the bits) take the formula alone; otherwise subnormal x is scaled
     * by 2^23 first (and e lowered by 23), {@code x < 0} and NaN give NaN, ±0 gives -inf, +inf gives +inf. The vector
     * form takes the second way for all lanes when any lane needs it, which changes nothing for the usual lanes.
     */
    public static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        boolean usual = Integer.compareUnsigned(bits - 0x00800000, 0x7f000000) < 0;
        boolean sub = x < Float.MIN_NORMAL;
        if (!usual && sub) {
            bits = Float.floatToRawIntBits(x * TWO23);
        }
        int ix = bits + SQRT_SHIFT;
        float f = Float.intBitsToFloat((ix & 0x007fffff) + SQRT_HALF_BITS) - 1f;
        float fe = (ix >> 23) - 127;
        if (!usual && sub) {
            fe = fe - 23f;
        }
        float z = f * f;
        float y = Math.fma(Math.fma(Math.fma(Math.fma(L0, f, L1), f, L2), f, L3), f, L4);
        y = Math.fma(Math.fma(Math.fma(Math.fma(y, f, L5), f, L6), f, L7), f, L8);
        y = Math.fma(fe, C2, y * f * z);
        float r = Math.fma(fe, C1, f + Math.fma(z, -0.5f, y));
        if (usual || x == Float.POSITIVE_INFINITY) {
            return usual ? r : x;
        }
        if (x == 0f) {
            return Float.NEGATIVE_INFINITY;
        }
        return x > 0f ? r : Float.NaN;
    }

    /**
     * {@link #log(float)} on each lane. One method, under C2's FreqInlineSize of 325 bytecodes, with no calls but
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

    // ---------------------------------------------------------------- tanh, sigmoid (float32)

    /** Below this |x|, tanh uses its odd polynomial; above, {@code 1 - 2 / (e^2|x| + 1)}. */
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    /**
     * {@code tanh x}, computed on |x| and given x's sign bit (so tanh(-0) = -0): {@code a + a z P(z)},
     * {@code z = a^2} (Cephes, Horner steps as FMAs) for {@code a < 0.625}, else {@code 1 - 2 / (e^2a + 1)}
     * (1 once e^2a overflows).
     */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float r;
        if (a < TANH_SMALL) {
            float z = a * a;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(T0, z, T1), z, T2), z, T3), z, T4);
            r = Math.fma(p * z, a, a);
        } else {
            r = 1f - 2f / (exp(a + a) + 1f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (Float.floatToRawIntBits(x) & 0x80000000));
    }

    /** {@link #tanh(float)} on each lane. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector small = z.fma(T0, T1).fma(z, FloatVector.broadcast(F, T2)).fma(z, FloatVector.broadcast(F, T3)).fma(z, FloatVector.broadcast(F, T4)).mul(z).fma(a, a);
        FloatVector r = FloatVector.broadcast(F, 1f).sub(FloatVector.broadcast(F, 2f).div(exp(a.add(a)).add(1f)));
        r = r.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        return r.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    /**
     * The logistic function {@code 1 / (1 + e^-x)}, written with {@code z = e^-|x|} so that nothing overflows:
     * {@code q = 1 / (1 + z)} for x >= 0, {@code z / (1 + z)} below (tiny results stay accurate), corrected for
     * the rounding error {@code err} of {@code 1 + z} by {@code q (1 - err / (1 + z))} (2.0 ulp without it).
     */
    public static float sigmoid(float x) {
        float z = exp(-Math.abs(x));
        float d = 1f + z;
        float err = (1f - d) + z; // exact: 1 + z = d + err (Fast2Sum, 1 >= z)
        float q = (x < 0f ? z : 1f) / d;
        return q - q * (err / d);
    }

    /** {@link #sigmoid(float)} on each lane. */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector z = exp(x.abs().neg());
        FloatVector d = z.add(1f);
        FloatVector q = FloatVector.broadcast(F, 1f).blend(z, x.compare(VectorOperators.LT, 0f)).div(d);
        return q.sub(q.mul(FloatVector.broadcast(F, 1f).sub(d).add(z).div(d)));
    }

    /** The float64 logistic function, the same formula with {@link StrictMath#exp}. */
    public static double sigmoid(double x) {
        double z = StrictMath.exp(-Math.abs(x));
        return x < 0 ? z / (1 + z) : 1 / (1 + z);
    }

    // ---------------------------------------------------------------- sin, cos (float32, in double)

    /**
     * Up to here, {@code j * P1} and {@code j * P2} are exact ({@code j < 2^20}, P1 and P2 have 33 bits), so
     * the reduced argument is exact but for two roundings relative to itself. Beyond, StrictMath reduces.
     */
    private static final float TRIG_MAX = 1.0e6f;
    private static final double TWO_OVER_PI = 6.36619772367581382433e-01;
    /** π/2 = P1 + P2 + P3 (fdlibm's pio2_1, pio2_2, pio2_3). */
    private static final double P1 = 1.57079632673412561417e+00, P2 = 6.07710050630396597660e-11,
            P3 = 2.02226624871116645580e-21;
    /** 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer in the low bits. */
    private static final double DROUND = 6755399441055744.0;
    /** Taylor coefficients, ample for float on |r| <= π/4 (truncation below 1e-11 relative). */
    private static final double S1 = -1.0 / 6, S2 = 1.0 / 120, S3 = -1.0 / 5040, S4 = 1.0 / 362880,
            S5 = -1.0 / 39916800;
    private static final double K1 = -0.5, K2 = 1.0 / 24, K3 = -1.0 / 720, K4 = 1.0 / 40320, K5 = -1.0 / 3628800,
            K6 = 1.0 / 479001600;

    /** {@code sin x}: reduced to {@code x - jπ/2} in double, one polynomial of the quadrant, rounded once. */
    public static float sin(float x) {
        return trig(x, 0);
    }

    /** {@code cos x}, as {@link #sin(float)} one quadrant on. */
    public static float cos(float x) {
        return trig(x, 1);
    }

    /** sin (shift 0) or cos (shift 1). */
    private static float trig(float x, int shift) {
        if (!(Math.abs(x) <= TRIG_MAX)) {
            return (float) (shift == 0 ? StrictMath.sin(x) : StrictMath.cos(x));
        }
        if (shift == 0 && x == 0f) {
            return x; // sin(-0) = -0, which the polynomial would turn into +0
        }
        double xd = x;
        double t = xd * TWO_OVER_PI + DROUND;
        double j = t - DROUND;
        int q = ((int) Double.doubleToRawLongBits(t) + shift) & 3;
        double r = ((xd - j * P1) - j * P2) - j * P3;
        double z = r * r;
        double v = (q & 1) == 0
                ? ((((S5 * z + S4) * z + S3) * z + S2) * z + S1) * z * r + r
                : (((((K6 * z + K5) * z + K4) * z + K3) * z + K2) * z + K1) * z + 1;
        return (float) ((q & 2) == 0 ? v : -v);
    }

    /** {@link #sin(float)} on each lane. */
    public static FloatVector sin(FloatVector x) {
        return trig(x, 0);
    }

    /** {@link #cos(float)} on each lane. */
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

    /** Lanes beyond {@link #TRIG_MAX} (and NaN, inf): the scalar form, which defers to StrictMath. */
    private static FloatVector trigFar(FloatVector x, FloatVector r, VectorMask<Float> far, int shift) {
        float[] a = x.toArray();
        float[] b = r.toArray();
        for (int k = 0; k < a.length; k++) {
            if (far.laneIsSet(k)) {
                b[k] = trig(a[k], shift);
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

    

    // ---------------------------------------------------------------- the rest: StrictMath, lane by lane

    /** {@code (float) StrictMath.tan(x)}. */
    public static float tan(float x) {
        return (float) StrictMath.tan(x);
    }

    /** {@code (float) StrictMath.log1p(x)}. */
    public static float log1p(float x) {
        return (float) StrictMath.log1p(x);
    }

    /** {@code (float) StrictMath.expm1(x)}. */
    public static float expm1(float x) {
        return (float) StrictMath.expm1(x);
    }

    /** {@code (float) StrictMath.pow(a, b)}. */
    public static float pow(float a, float b) {
        return (float) StrictMath.pow(a, b);
    }

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
}

package org.fluxion.kernels;

/**
 * The transcendental functions of the float32 elementwise kernels, each written once as a formula of IEEE
 * operations, and the float64 logistic function. These scalar forms are the definitions: the eager kernels'
 * loop tails and plain-Java loops, the jit's interpreter, and {@link VectorMath}'s vector forms, which repeat
 * the same constants and the same sequence of operations lane by lane, FMAs included ({@link Math#fma} and
 * {@code FloatVector.fma} are both exactly rounded, and Java never contracts on its own), so a vector lane, a
 * loop tail and the interpreter give the same bits. This class touches no {@code jdk.incubator.vector} type,
 * so it serves without the Vector API too ({@link Vectorization}).
 *
 * <p><b>Float32 accuracy</b> (largest error against {@code Math} in double over every 4099th float bit pattern
 * and the special values, {@code VectorMathTest}): {@code exp} 0.83 ulp (normal and subnormal results; +inf
 * above 88.72284, 0 below -103.97208), {@code log} 0.75 ulp (subnormal inputs included), {@code tanh} 1.2 ulp,
 * {@code sigmoid} 1.74 ulp, {@code sin}, {@code cos} 0.5 ulp for every finite input (reduction modulo π/2 in
 * double with a three-part π/2 below 1e6, {@code StrictMath} above). The remaining ones ({@code tan},
 * {@code log1p}, {@code expm1}, {@code pow}) are {@code StrictMath} in double rounded once to float: about
 * 0.5 ulp (a double within 1 ulp, rounded once to float).
 *
 * <p><b>Float64</b> uses {@link StrictMath} (fdlibm, pure Java since JDK 21: the same bits interpreted or
 * compiled, on every platform).
 */
public final class ScalarMath {
    private ScalarMath() {
    }

    // ---------------------------------------------------------------- exp (float32)

    static final float EXP_HI = 89f, EXP_LO = -104f;
    /** Up to this |x|, {@code n = round(x log2 e)} is in [-126, 126], so one normal factor 2^n scales. */
    static final float EXP_NEAR = 87f;
    static final float LOG2E = 1.44269504088896341f;
    /**
     * 1.5 * 2^23 + 127: adding it rounds a float of magnitude < 2^22 to an integer n, and n + 127 (the biased
     * exponent of 2^n) lands in the low bits, so {@code bits << 23} is 2^n for n in [-126, 127].
     */
    static final float ROUND = 12583039f;
    static final int ROUND_BITS = 0x4b40007f;
    /** ln 2 = C1 + C2, C1 with 9 significant bits, so n * C1 is exact for |n| <= 2^15. */
    static final float C1 = 0.693359375f, C2 = -2.12194440e-4f;
    static final float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
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

    // ---------------------------------------------------------------- log (float32)

    /** Bits of the float √½ (0x3f3504f3); adding 1.0's bits less these moves mantissas from √2 up to the next binade. */
    static final int SQRT_HALF_BITS = 0x3f3504f3, SQRT_SHIFT = 0x3f800000 - SQRT_HALF_BITS;
    static final float TWO23 = 8388608f;
    static final float L0 = 7.0376836292e-2f, L1 = -1.1514610310e-1f, L2 = 1.1676998740e-1f,
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

    // ---------------------------------------------------------------- tanh, sigmoid (float32)

    /** Below this |x|, tanh uses its odd polynomial; above, {@code 1 - 2 / (e^2|x| + 1)}. */
    static final float TANH_SMALL = 0.625f;
    static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
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
    static final float TRIG_MAX = 1.0e6f;
    static final double TWO_OVER_PI = 6.36619772367581382433e-01;
    /** π/2 = P1 + P2 + P3 (fdlibm's pio2_1, pio2_2, pio2_3). */
    static final double P1 = 1.57079632673412561417e+00, P2 = 6.07710050630396597660e-11,
            P3 = 2.02226624871116645580e-21;
    /** 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer in the low bits. */
    static final double DROUND = 6755399441055744.0;
    /** Taylor coefficients, ample for float on |r| <= π/4 (truncation below 1e-11 relative). */
    static final double S1 = -1.0 / 6, S2 = 1.0 / 120, S3 = -1.0 / 5040, S4 = 1.0 / 362880,
            S5 = -1.0 / 39916800;
    static final double K1 = -0.5, K2 = 1.0 / 24, K3 = -1.0 / 720, K4 = 1.0 / 40320, K5 = -1.0 / 3628800,
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
    static float trig(float x, int shift) {
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

    // ---------------------------------------------------------------- the rest: StrictMath, rounded once

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

    // ---------------------------------------------------------------- erf (float32)

    // erf(a) = a P(a^2) / Q(a^2) for a = |x| clamped to 4 (erf(4) rounds to 1 in float32), with the sign of x: P of
    // degree 6 and Q of degree 4 in a^2 (Q(0) = 1), a rational least-squares fit of the relative error on [0, 4]
    // (Chebyshev nodes, Lawson reweighting) made for this class. Evaluated by Horner with fused multiply-adds, as
    // VectorMath.erf does lane by lane: at most 3.2e-7 relative error (at a = 3.88); one division and no exp.

    /** P's coefficients, the lowest degree first. */
    static final float[] ERF_P = {1.1283791065216064f, 0.20714296400547028f, 0.05152742564678192f,
        0.003991076722741127f, 1.4727986126672477e-4f, -1.9419387626840034e-6f, 1.9104980708561925e-8f};
    /** Q's coefficients, the lowest degree first. */
    static final float[] ERF_Q = {1f, 0.5169069170951843f, 0.11797819286584854f, 0.0149594871327281f,
        0.00102116574998945f};

    /** The error function in float32 (the double series per element is ten times slower). */
    public static float erf(float x) {
        float a = Math.min(Math.abs(x), 4f);
        float z = a * a;
        float p = ERF_P[6];
        for (int k = 5; k >= 0; k--) {
            p = Math.fma(p, z, ERF_P[k]);
        }
        float q = ERF_Q[4];
        for (int k = 3; k >= 0; k--) {
            q = Math.fma(q, z, ERF_Q[k]);
        }
        return Math.copySign(Math.min(a * p / q, 1f), x);
    }
}

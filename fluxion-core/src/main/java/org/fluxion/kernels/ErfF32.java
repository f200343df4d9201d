package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The error function in float32, scalar and vector forms computing the same operations in the same order, so
 * that a vectorized loop, its scalar tail and the jit's generated kernels agree bit for bit (as
 * {@link VectorMath}'s functions do). About 3e-7 relative error.
 *
 * <p>Below |x| = 0.5 the Maclaurin series to x^13, {@code x (c0 + z (c1 + ... + z c6))} with z = x^2 and
 * {@code c_k = 2/sqrt(pi) (-1)^k / (k! (2k+1))} (truncation under 1e-9). From 0.5 on,
 * {@code 1 - erfc(|x|)} with the sign of x, where {@code erfc(a) = t exp(-a^2 + P(t))}, {@code t = 1/(1 + a/2)}
 * and P the degree-9 polynomial of Numerical Recipes' erfcc (relative error under 1.2e-7 for every a >= 0).
 */
public final class ErfF32 {
    private static final float[] SERIES = {1.1283791670955126f, -0.37612638903183754f, 0.11283791670955126f,
        -0.026866170645131252f, 0.005223977625442188f, -0.0008548327023450853f, 1.2055333e-4f};
    /** P's coefficients from the highest degree down (Horner order). */
    private static final float[] ERFC = {0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f,
        -0.18628806f, 0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f};

    private ErfF32() {
    }

    /** erf(x) in float32. */
    public static float erf(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float p = SERIES[6];
        for (int k = 5; k >= 0; k--) {
            p = p * z + SERIES[k];
        }
        float small = x * p;
        float t = 1f / (a * 0.5f + 1f);
        float q = ERFC[0];
        for (int k = 1; k < ERFC.length; k++) {
            q = q * t + ERFC[k];
        }
        float erfc = t * VectorMath.exp(q - a * a);
        float big = 1f - erfc;
        if (x < 0) {
            big = -big;
        }
        return a < 0.5f ? small : big;
    }

    /** erf of each lane, bit for bit as {@link #erf(float)}. */
    public static FloatVector erf(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = FloatVector.broadcast(x.species(), SERIES[6]);
        for (int k = 5; k >= 0; k--) {
            p = p.mul(z).add(SERIES[k]);
        }
        FloatVector small = x.mul(p);
        FloatVector t = FloatVector.broadcast(x.species(), 1f).div(a.mul(0.5f).add(1f));
        FloatVector q = FloatVector.broadcast(x.species(), ERFC[0]);
        for (int k = 1; k < ERFC.length; k++) {
            q = q.mul(t).add(ERFC[k]);
        }
        FloatVector erfc = t.mul(VectorMath.exp(q.sub(a.mul(a))));
        FloatVector big = erfc.neg().add(1f);
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, a.compare(VectorOperators.LT, 0.5f));
    }
}

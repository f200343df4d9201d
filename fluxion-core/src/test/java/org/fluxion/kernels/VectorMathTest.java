package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ScalarMath}'s float32 functions and {@link VectorMath}'s vector forms: the vector form equals the
 * scalar form bit for bit (so loop tails, vector bodies and the jit's interpreter agree), and the error against
 * {@code Math} in double stays within the documented bound, over a sweep of every 4099th float bit pattern (about a million values across the
 * whole range, subnormals included) and the special values.
 */
class VectorMathTest {
    enum Fn {
        EXP(ScalarMath::exp, VectorMath::exp, Math::exp, 1.0),
        LOG(ScalarMath::log, VectorMath::log, Math::log, 1.0),
        TANH(ScalarMath::tanh, VectorMath::tanh, Math::tanh, 1.5),
        SIGMOID(ScalarMath::sigmoid, VectorMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), 2.0),
        SIN(ScalarMath::sin, VectorMath::sin, Math::sin, 1.0),
        COS(ScalarMath::cos, VectorMath::cos, Math::cos, 1.0);

        final FloatOp scalar;
        final UnaryOperator<FloatVector> vector;
        final DoubleUnaryOperator reference;
        final double maxUlp;

        Fn(FloatOp scalar, UnaryOperator<FloatVector> vector, DoubleUnaryOperator reference, double maxUlp) {
            this.scalar = scalar;
            this.vector = vector;
            this.reference = reference;
            this.maxUlp = maxUlp;
        }
    }

    interface FloatOp {
        float apply(float x);
    }

    private static final float[] SPECIAL = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, Float.MAX_VALUE, -Float.MAX_VALUE,
        88.72283f, 88.72284f, 88.7229f, -87.33655f, -87.3366f, -103.972f, -103.973f, -104f, -200f, 1f, -1f,
        0.625f, -0.625f, 9f, 1e-30f, 1e6f, -1e6f, 1.0000001e6f, 3e38f, 1.5707964f, 3.1415927f, 205887.42f};

    @ParameterizedTest
    @EnumSource(Fn.class)
    void vectorEqualsScalarAndErrorIsBounded(Fn f) {
        int lanes = VectorLoops.L;
        float[] in = new float[lanes];
        float[] out = new float[lanes];
        double worst = 0;
        float worstAt = 0;
        int k = 0;
        for (long b = 0; b < (1L << 32) + SPECIAL.length * 4099L; b += 4099) {
            in[k++] = b < (1L << 32) ? Float.intBitsToFloat((int) b) : SPECIAL[(int) ((b - (1L << 32)) / 4099)];
            if (k < lanes) {
                continue;
            }
            k = 0;
            f.vector.apply(FloatVector.fromArray(VectorLoops.F, in, 0)).intoArray(out, 0);
            for (int j = 0; j < lanes; j++) {
                float s = f.scalar.apply(in[j]);
                assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(out[j]),
                        () -> f + ": vector and scalar forms differ");
                double e = ulpError(s, f.reference.applyAsDouble(in[j]));
                if (e > worst) {
                    worst = e;
                    worstAt = in[j];
                }
            }
        }
        float at = worstAt;
        double w = worst;
        assertTrue(worst <= f.maxUlp, () -> f + ": error " + w + " ulp at x = " + at + " (bound " + f.maxUlp + ")");
    }

    /** |r - ref| in units of the float ulp at ref; infinities and NaN must match exactly. */
    private static double ulpError(float r, double ref) {
        if (Double.isNaN(ref)) {
            return Float.isNaN(r) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rf = (float) ref;
        if (Float.isInfinite(rf) || Float.isInfinite(r)) {
            return r == rf ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(r - ref) / Math.ulp(rf == 0 ? Float.MIN_VALUE : Math.abs(rf));
    }
}

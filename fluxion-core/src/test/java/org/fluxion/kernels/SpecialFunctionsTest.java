package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {
    /** Reference values of erf to 16 digits (CPython's math.erf, which is correctly rounded there). */
    @Test
    void erfMatchesReferenceValues() {
        double[][] cases = {
            {0, 0}, {1e-10, 1.1283791670955126e-10}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
            {1, 0.8427007929497149}, {1.5, 0.9661051464753108}, {1.99, 0.995111413199617}, {2, 0.9953222650189527},
            {2.9, 0.9999589021219005}, {3, 0.9999779095030014}, {3.5, 0.9999992569016276},
            {4, 0.9999999845827421}, {5, 0.9999999999984626}, {7, 1},
        };
        for (double[] c : cases) {
            assertEquals(c[1], SpecialFunctions.erf(c[0]), 2e-15 * Math.max(1, Math.abs(c[1])), "erf(" + c[0] + ")");
            assertEquals(-c[1], SpecialFunctions.erf(-c[0]), 2e-15 * Math.max(1, Math.abs(c[1])), "erf(-" + c[0] + ")");
        }
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        assertEquals(1, SpecialFunctions.erf(Double.POSITIVE_INFINITY));
    }

    @Test
    void erfIsMonotoneAcrossTheSwitchBetweenSeriesAndContinuedFraction() {
        double previous = SpecialFunctions.erf(1.99);
        for (double x = 1.99; x < 2.01; x += 1e-4) {
            double y = SpecialFunctions.erf(x);
            assertTrue(y >= previous, "erf decreases at " + x);
            previous = y;
        }
    }

    @Test
    void float32ErfIsAccurateAndItsVectorFormAgreesBitForBit() {
        java.util.Random rng = new java.util.Random(3);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        float[] xs = new float[4096];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (i < 64 ? (i - 32) / 8.0 : rng.nextGaussian() * 2);
        }
        xs[0] = Float.NaN;
        xs[1] = Float.POSITIVE_INFINITY;
        xs[2] = Float.NEGATIVE_INFINITY;
        xs[3] = 1e-30f;
        for (int i = 0; i + lanes <= xs.length; i += lanes) {
            float[] out = new float[lanes];
            VectorMath.erf(jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED,
                    xs, i)).intoArray(out, 0);
            for (int k = 0; k < lanes; k++) {
                float x = xs[i + k];
                assertEquals(Float.floatToIntBits(ScalarMath.erf(x)), Float.floatToIntBits(out[k]), "lane of " + x);
                double exact = SpecialFunctions.erf(x);
                if (!Double.isNaN(exact)) {
                    assertEquals(exact, ScalarMath.erf(x), 4e-7 * Math.abs(exact) + 1e-45, "erf(" + x + ")");
                }
            }
        }
        assertTrue(Float.isNaN(ScalarMath.erf(Float.NaN)));
    }

    /** {@code (x, f(x))} pairs from CPython's math module (correctly rounded to within an ulp or two). */
    private static void assertValues(java.util.function.DoubleUnaryOperator f, String name, double... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            double x = pairs[i], expected = pairs[i + 1];
            assertEquals(expected, f.applyAsDouble(x), 4 * Math.ulp(expected), name + "(" + x + ")");
        }
    }

    @Test
    void inverseHyperbolicFunctionsAreAccurateAcrossTheirRange() {
        // Small arguments keep their digits (log(x + sqrt(x^2 + 1)) gives 0 for 1e-300 and loses half of 1e-10's),
        // negative ones do not cancel, huge ones do not overflow in x^2.
        assertValues(SpecialFunctions::asinh, "asinh", 1e-10, 1e-10, 0.5, 0.48121182505960347, 1, 0.881373587019543,
                -3, -1.8184464592320668, -1e4, -9.903487555036127, 1e200, 461.2101657793691, -1e-300, -1e-300);
        assertValues(SpecialFunctions::acosh, "acosh", 1 + 1e-10, 1.4142136208675862e-05, 1.5, 0.9624236501192069,
                2, 1.3169578969248166, 1e10, 23.7189981105004, 1e300, 691.4686750787736, 1, 0);
        assertValues(SpecialFunctions::atanh, "atanh", 1e-12, 1e-12, -0.5, -0.5493061443340548, 0.9, 1.4722194895832204,
                0.999999, 7.254328619247669, 0, 0);
        assertTrue(Double.isNaN(SpecialFunctions.acosh(0.5)) && Double.isNaN(SpecialFunctions.atanh(1.5))
                && Double.isNaN(SpecialFunctions.asinh(Double.NaN)), "outside the domain: NaN");
        assertEquals(Double.POSITIVE_INFINITY, SpecialFunctions.atanh(1));
        assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.atanh(-1));
        assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.asinh(Double.NEGATIVE_INFINITY));
    }
}

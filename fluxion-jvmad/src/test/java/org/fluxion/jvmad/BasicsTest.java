package org.fluxion.jvmad;

import org.fluxion.jvmad.corpus.Basics;
import org.junit.jupiter.api.Test;

/** Forward and reverse mode of each construct, against finite differences. */
class BasicsTest {
    @Test
    void arithmeticAndLocals() {
        Checks.forwardAndReverse(Basics.class, "square", 1.7);
        Checks.forwardAndReverse(Basics.class, "polynomial", 1.3, -0.4);
        // The values are compared bit for bit (tolerance 0), so StrictMath must stay StrictMath.
        for (double x = 0.1; x < 3; x += 0.37) {
            Checks.forwardAndReverse(Basics.class, "strict", x);
        }
        // Float arithmetic: tangents and adjoints of floats are floats (7 digits), as in JAX and PyTorch.
        Checks.forwardAndReverseWithin(1e-5, Basics.class, "floats", 1.25f, 0.3);
    }

    @Test
    void branchesOnEachSide() {
        for (double x : new double[] {-2, -0.5, 0.3, 1.5}) {
            Checks.forwardAndReverse(Basics.class, "branches", x);
        }
        Checks.forwardAndReverse(Basics.class, "ternary", 1.0, 2.0);
        Checks.forwardAndReverse(Basics.class, "ternary", 3.0, 2.0);
        for (int k = 0; k < 4; k++) {
            Checks.forwardAndReverse(Basics.class, "switched", 0.4, k);
        }
    }

    @Test
    void loopsRecursionAndArrays() {
        Checks.forwardAndReverse(Basics.class, "loopPolynomial", new double[] {1, -2, 0.5, 3}, 0.7);
        Checks.forwardAndReverse(Basics.class, "factorialLike", 5.5, 4);
        Checks.forwardAndReverse(Basics.class, "prefixSum", new double[] {0.5, 1.5, -2, 4});
        Checks.forwardAndReverse(Basics.class, "whileTolerance", 7.5);
        Checks.forwardAndReverse(Basics.class, "stackGames", new double[] {1, 2, 3, 4}, 1);
        Checks.forwardAndReverse(Basics.class, "deepStacks", new double[] {0.3, -0.6, 0.9}, 0.8);
        Checks.forwardAndReverse(Basics.class, "nullableArray", new double[] {0.5, 1.5, -2, 4}, 1);
        Checks.forwardAndReverse(Basics.class, "nullableArray", new double[] {0.5, 1.5, -2, 4}, 0);
    }

    @Test
    void crossClassCallsAndLongs() {
        Checks.forwardAndReverse(Basics.class, "crossClass", (Object) new double[] {0.3, -1.2, 0.8, 0.5});
        Checks.forwardAndReverse(Basics.class, "longCounter", 0.7, 9L);
    }

    @Test
    void floatArrayParameter() {
        MethodDerivative d = JvmAd.method(Basics.class, "floatArray");
        float[] a = {0.5f, -1.25f, 2f};
        MethodDerivative.Result r = d.gradient(a.clone(), 1.5);
        float[] da = (float[]) r.derivatives()[0];
        // s = c^2 sum a_i^2: ds/da_i = 2 c^2 a_i, ds/dc = 2 c sum a_i^2
        for (int i = 0; i < a.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(2 * 2.25 * a[i], da[i], 1e-5);
        }
        org.junit.jupiter.api.Assertions.assertEquals(2 * 1.5 * (0.25 + 1.5625 + 4), (double) r.derivatives()[1], 1e-5);
    }
}

package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.fluxion.jvmad.corpus.Exceptions;
import org.junit.jupiter.api.Test;

/**
 * {@code throw new T(...)} in differentiated code: the exception (same class, same message) comes out
 * of the gradient, forward mode and Hessian-vector products, from the method or from a callee inside
 * a loop; where nothing throws, the derivatives are the usual ones; after a throw the derivative
 * still works (the tape is emptied on the next call).
 */
class ExceptionsTest {
    @Test
    void exceptionsPropagateFromEveryDerivative() {
        Gradient g = JvmAd.grad(Exceptions::sqrtChain);
        double[] bad = {4, 1, -1, 2};
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> g.apply(bad));
        assertEquals("negative argument", e.getMessage());
        assertThrows(ArithmeticException.class, () -> g.directional(bad, new double[4]));
        assertThrows(ArithmeticException.class, () -> g.hvp(bad, new double[4]));
        IllegalArgumentException short1 = assertThrows(IllegalArgumentException.class, () -> g.apply(new double[1]));
        assertNull(short1.getMessage());
        Gradient budgeted = JvmAd.grad(Exceptions::sqrtChain, Checkpointing.snapshots(2));
        assertThrows(ArithmeticException.class, () -> budgeted.apply(bad));

        // The same derivatives, still usable, where nothing throws.
        double[] x = {4, 1, 9, 2};
        // f = sqrt(x0) x1 + sqrt(x1) x2 + sqrt(x2) x3
        double[] expected = {1 / (2 * 2.0), 2 + 9 / 2.0, 1 + 2 / (2 * 3.0), 3};
        assertArrayEquals(expected, g.apply(x), 1e-15);
        assertArrayEquals(expected, budgeted.apply(x), 0.0);
        Checks.forwardAndReverse(Exceptions.class, "sqrtChain", (Object) x);
    }

    @Test
    void aThrowInTheMethodItself() {
        Gradient g = JvmAd.grad(Exceptions::validated);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.apply(new double[0]));
        assertEquals("empty", e.getMessage());
        assertArrayEquals(new double[] {3}, g.apply(new double[] {1.5}), 0.0);
        assertArrayEquals(new double[] {2}, g.hvp(new double[] {1.5}, new double[] {1}), 0.0);
        ArithmeticException d = assertThrows(ArithmeticException.class,
                () -> JvmAd.partials(Exceptions::checkedSqrt).apply(-1));
        assertEquals("negative argument", d.getMessage());
    }
}

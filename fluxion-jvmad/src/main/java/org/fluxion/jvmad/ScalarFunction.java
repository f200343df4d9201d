package org.fluxion.jvmad;

import java.io.Serializable;

/**
 * A real function of a real vector, {@code double f(double[] x)}.
 *
 * <p>Pass a method reference to a static method ({@code Examples::f}) or a lambda that captures
 * nothing: {@link JvmAd} finds the method behind it (serializable, so that its implementation can be
 * named) and differentiates that method's bytecode.
 */
@FunctionalInterface
public interface ScalarFunction extends Serializable {
    double apply(double[] x);
}

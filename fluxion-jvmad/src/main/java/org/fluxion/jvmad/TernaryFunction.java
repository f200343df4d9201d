package org.fluxion.jvmad;

import java.io.Serializable;

/**
 * A real function of three reals.
 *
 * <p>Pass a method reference to a static method ({@code Examples::f}) or a lambda that captures
 * nothing: {@link JvmAd} finds the method behind it (serializable, so that its implementation can be
 * named) and differentiates that method's bytecode.
 */
@FunctionalInterface
public interface TernaryFunction extends Serializable {
    double apply(double x, double y, double z);
}

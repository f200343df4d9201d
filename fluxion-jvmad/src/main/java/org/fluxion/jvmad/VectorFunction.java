package org.fluxion.jvmad;

import java.io.Serializable;

/**
 * A vector function of a real vector, {@code void f(double[] x, double[] out)}: writes f(x) into {@code out}.
 *
 * <p>Pass a method reference to a static method ({@code Examples::f}) or a lambda that captures
 * nothing: {@link JvmAd} finds the method behind it (serializable, so that its implementation can be
 * named) and differentiates that method's bytecode.
 */
@FunctionalInterface
public interface VectorFunction extends Serializable {
    void apply(double[] x, double[] out);
}

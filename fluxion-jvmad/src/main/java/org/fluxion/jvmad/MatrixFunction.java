package org.fluxion.jvmad;

import java.io.Serializable;

/**
 * A real function of a matrix (an array of rows), {@code double f(double[][] x)}: dense weights,
 * a grid, a system of equations. Rows may have different lengths.
 *
 * <p>Pass a method reference to a static method ({@code Examples::f}) or a lambda that captures
 * nothing, as for {@link ScalarFunction}.
 */
@FunctionalInterface
public interface MatrixFunction extends Serializable {
    double apply(double[][] x);
}

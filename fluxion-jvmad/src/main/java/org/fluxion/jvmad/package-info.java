/**
 * Derivatives of plain Java methods, by transforming their bytecode: {@link org.fluxion.jvmad.JvmAd}
 * ({@code grad}, {@code gradMatrix}, {@code jacobian}, {@code partials}, {@code method}), the derivatives it
 * returns ({@link org.fluxion.jvmad.Gradient}, {@link org.fluxion.jvmad.MatrixGradient} for
 * {@code double f(double[][] x)}, {@link org.fluxion.jvmad.Jacobian}, {@link org.fluxion.jvmad.Partials},
 * {@link org.fluxion.jvmad.MethodDerivative}), the serializable functional interfaces that name a static
 * method, and {@link org.fluxion.jvmad.Elementwise}, a scalar Java function as a tensor primitive. The
 * reading, transforms and code generation live in the sub-packages {@code read}, {@code transform},
 * {@code emit} and {@code runtime}.
 */
package org.fluxion.jvmad;

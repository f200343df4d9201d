/**
 * Ordinary differential equations: explicit and stiff solvers with error control, dense output, save
 * points and events ({@link org.fluxion.ode.Ode}, {@link org.fluxion.ode.Method},
 * {@link org.fluxion.ode.SolverOptions}, {@link org.fluxion.ode.Solution}).
 *
 * <p>Built for speed on small systems: the solvers' inner loops work on preallocated {@code double[]}
 * stages ({@code Stepper}s driven by one {@code Integrator} loop), and the right-hand side is plain Java
 * mutating {@code du} ({@link org.fluxion.ode.OdeFunction}).
 *
 * <p>Dependencies: none beyond the JDK for the solvers.
 */
package org.fluxion.ode;

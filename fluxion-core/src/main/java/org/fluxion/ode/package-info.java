/**
 * Ordinary differential equations: explicit and stiff solvers with error control, dense output, save
 * points and events, and the sensitivities of losses on their solutions.
 * <ul>
 *   <li>{@link org.fluxion.ode.Ode#solve}: a problem ({@link org.fluxion.ode.OdeProblem}, a plain-Java
 *       {@link org.fluxion.ode.OdeFunction} mutating {@code du}) with a {@link org.fluxion.ode.Method} under
 *       {@link org.fluxion.ode.SolverOptions}, giving a {@link org.fluxion.ode.Solution} with
 *       {@link org.fluxion.ode.Statistics}. The solvers' inner loops work on preallocated {@code double[]}
 *       stages ({@code Stepper}s: {@code ExplicitRkStepper} over {@code Tableaus}, {@code Dop853Stepper},
 *       {@code Rosenbrock23Stepper}, {@code Rodas4Stepper}, {@code Radau5Stepper} and the variable-order
 *       {@code BdfStepper}, whose linear systems are factored by the linear-algebra {@code LuKernel}, or by
 *       the banded {@code BandedLu} ({@code NewtonMatrix}) when the problem declares a
 *       {@link org.fluxion.ode.JacobianStructure}, whose Jacobians {@code Jacobians} then builds from grouped
 *       finite differences),
 *       driven by one {@code Integrator} loop (step control, save points, events, budgets);
 *       {@code SwitchingStepper} switches between an explicit and a Rosenbrock stepper as the problem's
 *       stiffness changes.</li>
 *   <li>{@link org.fluxion.ode.TensorField} and {@link org.fluxion.ode.TensorOde}: a right-hand side
 *       written with tensor operations, its Jacobians, JVPs and VJPs from Fluxion's AD (eager, or
 *       compiled by {@code jit}); banded and sparse Jacobians by colored forward mode.</li>
 *   <li>{@link org.fluxion.ode.Sensitivity#gradient}: forward sensitivities and continuous adjoints
 *       ({@link org.fluxion.ode.SensitivityMethod}); {@link org.fluxion.ode.Odeint}: a solve as a
 *       differentiable tensor function, also discrete ({@code TensorRungeKutta} on the tape).</li>
 *   <li>{@link org.fluxion.ode.ProblemLibrary}: the classic test problems.</li>
 * </ul>
 *
 * <p>Dependencies: tensor, autodiff (VJPs, JVPs, custom rules) and jit (compiled fields). Nothing depends
 * on this package in fluxion-core.
 */
package org.fluxion.ode;

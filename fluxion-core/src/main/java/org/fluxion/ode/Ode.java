package org.fluxion.ode;

/**
 * Solving ordinary differential equations: {@code Ode.solve(problem, Method.DP5, options)}.
 *
 * <pre>{@code
 * OdeFunction lotkaVolterra = (du, u, p, t) -> {
 *     du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
 *     du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
 * };
 * OdeProblem problem = OdeProblem.of(lotkaVolterra, new double[] {1, 1}, 0, 10, 1.5, 1, 3, 1);
 * Solution s = Ode.solve(problem, Method.DP5, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
 * double[] end = s.last();
 * }</pre>
 */
public final class Ode {
    private Ode() {
    }

    /** Solves {@code problem} with {@code method} under {@code options}. */
    public static Solution solve(OdeProblem problem, Method method, SolverOptions options) {
        Counters counters = new Counters();
        Rhs rhs = new Rhs(problem.f(), problem.p(), counters);
        Tolerances tolerances = options.tolerances(problem.size());
        Stepper stepper = method.stepper(problem, rhs, tolerances);
        return new Integrator(problem, stepper, rhs, options, tolerances, method.name()).run();
    }

    /** Solves {@code problem} with {@code method} and the default options. */
    public static Solution solve(OdeProblem problem, Method method) {
        return solve(problem, method, SolverOptions.defaults());
    }
}

package org.fluxion.ode;

/**
 * How to differentiate a loss on an ODE solution with respect to the initial state and the parameters.
 * The loss is observed at the save times, {@code L = sum_i g_i(u(t_i))}, given by its cotangents
 * {@code dL/du(t_i)}.
 */
public enum SensitivityMethod {
    /**
     * Forward sensitivity equations: the state is augmented with {@code S = du/d(u0, p)}, solved with
     * {@code S' = (df/du) S + df/dp}, {@code S(t0) = [I | 0]}. Cost grows with n + np: for few parameters.
     */
    FORWARD,
    /**
     * Continuous adjoint (as the other two adjoints, with the parameter gradient {@code mu} integrated as a
     * quadrature outside the error control, SUNDIALS' default), re-integrating the state backwards together with {@code lambda' = -(df/du)^T lambda}
     * and {@code mu' = -(df/dp)^T lambda}. No memory, but unstable when the forward problem is dissipative or
     * stiff: the backward state leaves the forward trajectory (the seeds' "simple adjoints ... give Inf").
     */
    BACKSOLVE_ADJOINT,
    /**
     * Continuous adjoint on the forward solve's stored dense output: stable, memory proportional to the
     * number of forward steps.
     */
    INTERPOLATING_ADJOINT,
    /**
     * Continuous adjoint with checkpoints at the save times: the forward solve keeps only the saved states;
     * the backward pass re-solves each interval between consecutive save times from its checkpoint with
     * dense output and integrates the adjoint (and the parameter gradient, a quadrature, as extra states)
     * on it. Stable, memory of one interval, one more forward solve.
     */
    CHECKPOINTED_ADJOINT,
    /**
     * Discrete sensitivities ("discretize, then optimize"): the explicit solver runs with tensor operations on
     * Fluxion's tape and reverse mode differentiates its steps (the step sizes, chosen on values, are
     * constants). Exact gradients of the computed solution, memory of every stage. Only through
     * {@link Odeint} (a tensor computation), with DP5, Tsit5, RK4 or Euler. Both trace under {@code jit}: a
     * fixed-step solve unrolls into the graph; an adaptive one, whose steps depend on values, becomes one
     * {@code whileLoop} (accepting or rejecting each try by a select), differentiated by the loop's reverse
     * mode. Save times an adaptive traced solve does not reach within {@code maxSteps} come out NaN.
     */
    DISCRETE,
    /**
     * The gradient {@link #DISCRETE} gives (exact for the computed solution, same steps), by a reverse sweep
     * over the stored stages with one vector-Jacobian product per stage instead of the tape: the solver runs
     * on plain arrays and each VJP is one call (one compiled plan for a {@link TensorOde#compiled()} field).
     * First derivatives only; DP5, Tsit5, RK4 or Euler; memory of every stage. The fastest gradient for a
     * small network field (a neural ODE), where per-operation costs dominate.
     */
    DISCRETE_ADJOINT,
    /**
     * Chosen from the problem: {@link #FORWARD} when {@code n + np <= 50}; otherwise
     * {@link #INTERPOLATING_ADJOINT} (never the backsolve adjoint, which can be unstable).
     */
    AUTO;

    /** The method AUTO stands for on a problem with n states and np parameters. */
    SensitivityMethod resolve(int n, int np) {
        if (this != AUTO) {
            return this;
        }
        return n + np <= 50 ? FORWARD : INTERPOLATING_ADJOINT;
    }
}

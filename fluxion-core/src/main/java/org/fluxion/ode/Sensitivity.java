package org.fluxion.ode;

/**
 * Gradients of a loss on an ODE solution with respect to the initial state and the parameters:
 * {@code L = sum_i g_i(u(t_i))} observed at the save times {@code t_i} of the options, given by the
 * cotangents {@code dL/du(t_i)} (computed from a forward solve: {@link Ode#solve} with the same options).
 *
 * <pre>{@code
 * TensorOde ode = TensorOde.of(field, u0, p);
 * OdeProblem problem = ode.problem(u0, new Tensor[] {p}, 0, 10);
 * SolverOptions o = SolverOptions.defaults().withSaveAt(1, 2, 5, 10);
 * Gradient g = Sensitivity.gradient(problem, ode.derivatives(), Method.DP5, o, cotangents,
 *         SensitivityMethod.INTERPOLATING_ADJOINT);
 * }</pre>
 */
public final class Sensitivity {
    private Sensitivity() {
    }

    /**
     * The gradient of {@code L} by {@code how}; the backward (adjoint) solves use the forward solve's scalar
     * tolerances, maximum or fixed step, and budget.
     *
     * @param cotangents {@code cotangents[i] = dL/du(t_i)}, one per save time, each of length n
     */
    public static Gradient gradient(OdeProblem problem, Derivatives derivatives, Method method, SolverOptions options,
                                    double[][] cotangents, SensitivityMethod how) {
        return gradient(problem, derivatives, method, options, cotangents, how, null);
    }

    /**
     * As {@link #gradient(OdeProblem, Derivatives, Method, SolverOptions, double[][], SensitivityMethod)}, with
     * the backward solves' own scalar tolerances, step limits and budget ({@code adjointOptions}; its save
     * times, events and per-component tolerances are ignored). Ignored by {@link SensitivityMethod#FORWARD}.
     */
    public static Gradient gradient(OdeProblem problem, Derivatives derivatives, Method method, SolverOptions options,
                                    double[][] cotangents, SensitivityMethod how, SolverOptions adjointOptions) {
        return gradient(problem, derivatives, method, options, cotangents, how, adjointOptions, null);
    }

    /** As the public form, reusing the adjoints' forward solve {@code forward} when not null. */
    static Gradient gradient(OdeProblem problem, Derivatives derivatives, Method method, SolverOptions options,
                             double[][] cotangents, SensitivityMethod how, SolverOptions adjointOptions,
                             Solution forward) {
        double[] saveAt = options.saveAt();
        if (saveAt == null || saveAt.length == 0) {
            throw new IllegalArgumentException("Sensitivity: the loss is observed at the save times; set them with "
                    + "SolverOptions.withSaveAt");
        }
        if (cotangents.length != saveAt.length) {
            throw new IllegalArgumentException("Sensitivity: " + cotangents.length + " cotangents for "
                    + saveAt.length + " save times");
        }
        for (int i = 0; i < cotangents.length; i++) {
            if (cotangents[i].length != problem.size()) {
                throw new IllegalArgumentException("Sensitivity: cotangent " + i + " has length "
                        + cotangents[i].length + ", the state " + problem.size());
            }
        }
        if (!options.events().isEmpty()) {
            throw new IllegalArgumentException("Sensitivity: events are not supported in sensitivity analysis (a "
                    + "terminal event makes the horizon depend on the parameters)");
        }
        SensitivityMethod resolved = how.resolve(problem.size(), problem.p().length);
        SolverOptions backward = (adjointOptions != null ? adjointOptions : options).forAdjoint();
        return switch (resolved) {
            case FORWARD -> ForwardSensitivity.gradient(problem, derivatives, method, options, cotangents);
            case BACKSOLVE_ADJOINT, INTERPOLATING_ADJOINT, CHECKPOINTED_ADJOINT ->
                    new Adjoint(problem, derivatives, method, options, backward, resolved).gradient(cotangents,
                            forward);
            case DISCRETE_ADJOINT -> {
                DiscreteAdjoint.Trajectory tr = DiscreteAdjoint.forward(problem, method, options);
                yield DiscreteAdjoint.gradient(problem, derivatives, tr, cotangents,
                        DiscreteAdjoint.solution(method, saveAt, tr));
            }
            case DISCRETE -> throw new IllegalArgumentException("Sensitivity: DISCRETE differentiates the solver's "
                    + "tensor operations on the tape; use Odeint.solve and backward() instead");
            case AUTO -> throw new IllegalStateException("unreachable: AUTO resolves to a method");
        };
    }
}

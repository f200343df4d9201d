package org.fluxion.ode;

/**
 * One method's single step, driven by {@link Integrator}: the integrator owns time, step size, saving,
 * events and budgets; a stepper owns its stage buffers (allocated once per solve) and knows how to attempt a
 * step, estimate its error and describe the accepted step's dense output.
 *
 * <p>Dense output of the last accepted step, from {@code u} at {@code t} with step {@code h}:
 * {@code u(t + theta h) = u + sum_j theta^(j+1) q[j]}, {@code theta in [0, 1]}, {@code j < denseDegree()}.
 */
interface Stepper {
    /** Prepares the first step from {@code (t, u)}, where {@code f0 = f(u, t)} has been evaluated. */
    void start(double t, double[] u, double[] f0);

    /**
     * Attempts the step {@code (t, u) -> (t + h, uNew)}.
     *
     * @return the weighted error norm (accept when {@code <= 1}); 0 for fixed-step methods; NaN or infinity
     *         when a stage was not finite or the step's matrix was singular (the step is then retried smaller)
     */
    double attempt(double t, double h, double[] u, double[] uNew);

    /** The last attempt from {@code (t, u)} with step {@code h} to {@code uNew} is accepted. */
    void accept(double t, double h, double[] u, double[] uNew);

    /** The number of dense-output coefficient vectors. */
    int denseDegree();

    /** Writes the last accepted step's dense-output coefficients {@code q[j]} (each of length n). */
    void denseCoefficients(double[][] q);

    /** The controller of this method's step sizes. */
    StepController controller();

    /**
     * The next step size after an attempt of size {@code h} with error norm {@code err}, accepted or not:
     * the {@link #controller()}'s rule unless the method has its own (an implicit method's also depends on
     * how its Newton iteration went).
     */
    default double nextStep(StepController.State state, double h, double err, boolean accepted) {
        return accepted ? controller().accepted(state, h, err) : controller().rejected(state, h, err);
    }

    /** The order used by Hairer's initial step ({@code h ~ (0.01 / ||f'||)^(1/(order+1))}). */
    int order();

    /** False for fixed-step methods. */
    boolean adaptive();
}

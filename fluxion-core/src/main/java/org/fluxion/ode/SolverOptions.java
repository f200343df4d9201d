package org.fluxion.ode;

import java.util.List;

/**
 * How to solve: tolerances (scalar or per component), where to save, dense output, events, step sizes and
 * the work budget. Immutable; each {@code withX} returns a changed copy.
 *
 * <p>Defaults: {@code rtol = 1e-6}, {@code atol = 1e-9}, save every accepted step, no dense output, no
 * events, Hairer's initial step, no maximum step, at most 10^6 steps and 10^7 RHS evaluations.
 *
 * <p>Error control (as Hairer's codes and SciPy): a step is accepted when
 * {@code sqrt(mean_i (err_i / (atol_i + rtol_i max(|u_i|, |u_new_i|)))^2) <= 1}.
 */
public final class SolverOptions {
    private final double rtol;
    private final double atol;
    private final double[] rtolPerComponent;
    private final double[] atolPerComponent;
    private final double[] saveAt;
    private final boolean dense;
    private final double initialStep;
    private final double maxStep;
    private final double fixedStep;
    private final long maxSteps;
    private final long maxRhsEvaluations;
    private final List<Event> events;
    /**
     * The scalar tolerances last expanded, by any options: a solve per training step makes new options (its save
     * times) with the same tolerances, and would otherwise fill two arrays of the state's length each time.
     */
    private static volatile Tolerances lastScalar;

    private SolverOptions(double rtol, double atol, double[] rtolPerComponent, double[] atolPerComponent,
                          double[] saveAt, boolean dense, double initialStep, double maxStep, double fixedStep,
                          long maxSteps, long maxRhsEvaluations, List<Event> events) {
        this.rtol = rtol;
        this.atol = atol;
        this.rtolPerComponent = rtolPerComponent;
        this.atolPerComponent = atolPerComponent;
        this.saveAt = saveAt;
        this.dense = dense;
        this.initialStep = initialStep;
        this.maxStep = maxStep;
        this.fixedStep = fixedStep;
        this.maxSteps = maxSteps;
        this.maxRhsEvaluations = maxRhsEvaluations;
        this.events = events;
    }

    /** The defaults listed above. */
    public static SolverOptions defaults() {
        return new SolverOptions(1e-6, 1e-9, null, null, null, false, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NaN, 1_000_000, 10_000_000, List.of());
    }

    /** Scalar tolerances for every component (clearing per-component ones). */
    public SolverOptions withTolerances(double relative, double absolute) {
        requireTolerance("rtol", relative);
        requireTolerance("atol", absolute);
        return new SolverOptions(relative, absolute, null, null, saveAt, dense, initialStep, maxStep, fixedStep,
                maxSteps, maxRhsEvaluations, events);
    }

    /**
     * Tolerances per component (each array of the state's length). An infinite {@code atol} leaves its
     * component out of the error control (a quadrature whose accuracy follows the other components').
     */
    public SolverOptions withTolerances(double[] relative, double[] absolute) {
        // The component's name is built only for the error: an adjoint's options have thousands of components.
        for (int i = 0; i < relative.length; i++) {
            if (!tolerance(relative[i])) {
                requireTolerance("rtol[" + i + "]", relative[i]);
            }
        }
        for (int i = 0; i < absolute.length; i++) {
            if (absolute[i] != Double.POSITIVE_INFINITY && !tolerance(absolute[i])) {
                requireTolerance("atol[" + i + "]", absolute[i]);
            }
        }
        return new SolverOptions(rtol, atol, relative.clone(), absolute.clone(), saveAt, dense, initialStep, maxStep,
                fixedStep, maxSteps, maxRhsEvaluations, events);
    }

    /**
     * Save the solution at exactly these times (interpolated on the dense output, no step is shortened to
     * hit them), instead of at every step. They must be ordered in the direction of integration and lie in
     * the time span.
     */
    public SolverOptions withSaveAt(double... times) {
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, times.clone(), dense, initialStep,
                maxStep, fixedStep, maxSteps, maxRhsEvaluations, events);
    }

    /** Keep the dense output of every step in the solution ({@link Solution#dense()}). */
    public SolverOptions withDense(boolean keep) {
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, keep, initialStep, maxStep,
                fixedStep, maxSteps, maxRhsEvaluations, events);
    }

    /** The first step's size (its magnitude; the direction is the span's). */
    public SolverOptions withInitialStep(double h) {
        requirePositive("initialStep", h);
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, dense, h, maxStep,
                fixedStep, maxSteps, maxRhsEvaluations, events);
    }

    /** The largest step allowed (its magnitude). */
    public SolverOptions withMaxStep(double h) {
        requirePositive("maxStep", h);
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, dense, initialStep, h,
                fixedStep, maxSteps, maxRhsEvaluations, events);
    }

    /** The step of the fixed-step methods (RK4, Euler); the last step is shortened to end at t1. */
    public SolverOptions withFixedStep(double h) {
        requirePositive("fixedStep", h);
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, dense, initialStep, maxStep,
                h, maxSteps, maxRhsEvaluations, events);
    }

    /**
     * The work budget: at most {@code steps} step attempts (accepted and rejected) and {@code rhsEvaluations}
     * evaluations of the right-hand side; past either, the solve throws {@link OdeSolveException}.
     */
    public SolverOptions withBudget(long steps, long rhsEvaluations) {
        if (steps <= 0 || rhsEvaluations <= 0) {
            throw new IllegalArgumentException("SolverOptions: the budget must be positive, got " + steps
                    + " steps and " + rhsEvaluations + " RHS evaluations");
        }
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, dense, initialStep, maxStep,
                fixedStep, steps, rhsEvaluations, events);
    }

    /** Events to locate (replacing any given before). */
    public SolverOptions withEvents(Event... list) {
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, saveAt, dense, initialStep, maxStep,
                fixedStep, maxSteps, maxRhsEvaluations, List.of(list));
    }

    public double rtol() {
        return rtol;
    }

    public double atol() {
        return atol;
    }

    /** The relative tolerance of each component, or null when the scalar one applies to all. */
    public double[] rtolPerComponent() {
        return rtolPerComponent == null ? null : rtolPerComponent.clone();
    }

    /** The absolute tolerance of each component, or null when the scalar one applies to all. */
    public double[] atolPerComponent() {
        return atolPerComponent == null ? null : atolPerComponent.clone();
    }

    /** The save times, or null for every step. */
    public double[] saveAt() {
        return saveAt == null ? null : saveAt.clone();
    }

    public boolean dense() {
        return dense;
    }

    /** The first step's magnitude, or NaN for Hairer's automatic choice. */
    public double initialStep() {
        return initialStep;
    }

    public double maxStep() {
        return maxStep;
    }

    /** The fixed-step methods' step, or NaN when not set. */
    public double fixedStep() {
        return fixedStep;
    }

    public long maxSteps() {
        return maxSteps;
    }

    public long maxRhsEvaluations() {
        return maxRhsEvaluations;
    }

    public List<Event> events() {
        return events;
    }

    /** These options with no save times (save every step), no dense output and no events. */
    SolverOptions withoutOutputs() {
        return new SolverOptions(rtol, atol, rtolPerComponent, atolPerComponent, null, false, initialStep, maxStep,
                fixedStep, maxSteps, maxRhsEvaluations, List.of());
    }

    /**
     * The options of a backward (adjoint) solve of another state size: these without outputs, with the scalar
     * tolerances, and no initial step.
     */
    SolverOptions forAdjoint() {
        return new SolverOptions(rtol, atol, null, null, null, false, Double.NaN, maxStep, fixedStep, maxSteps,
                maxRhsEvaluations, List.of());
    }

    /** The tolerances expanded to the state's length {@code n} (their arrays are not written). */
    Tolerances tolerances(int n) {
        if (rtolPerComponent != null || atolPerComponent != null) {
            return expand(n);
        }
        Tolerances last = lastScalar;
        if (last != null && last.rtol().length == n && last.rtol()[0] == rtol && last.atol()[0] == atol) {
            return last;
        }
        Tolerances t = expand(n);
        if (n > 0) {
            lastScalar = t;
        }
        return t;
    }

    private Tolerances expand(int n) {
        double[] r = expand("rtol", rtolPerComponent, rtol, n);
        double[] a = expand("atol", atolPerComponent, atol, n);
        for (int i = 0; i < n; i++) {
            if (r[i] == 0 && a[i] == 0) {
                throw new IllegalArgumentException("SolverOptions: rtol and atol of component " + i
                        + " are both 0; the error of that component could never be weighted");
            }
        }
        return new Tolerances(r, a);
    }

    private static double[] expand(String what, double[] perComponent, double scalar, int n) {
        if (perComponent == null) {
            double[] out = new double[n];
            java.util.Arrays.fill(out, scalar);
            return out;
        }
        if (perComponent.length != n) {
            throw new IllegalArgumentException("SolverOptions: " + perComponent.length + " per-component " + what
                    + " values for a state of length " + n);
        }
        return perComponent.clone();
    }

    private static boolean tolerance(double v) {
        return v >= 0 && Double.isFinite(v);
    }

    private static void requireTolerance(String what, double v) {
        if (!tolerance(v)) {
            throw new IllegalArgumentException("SolverOptions: " + what + " must be finite and >= 0, got " + v);
        }
    }

    private static void requirePositive(String what, double v) {
        if (!(v > 0) || Double.isNaN(v)) {
            throw new IllegalArgumentException("SolverOptions: " + what + " must be > 0, got " + v);
        }
    }
}

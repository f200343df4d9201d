package org.fluxion.ode;

import java.util.ArrayList;
import java.util.List;

/**
 * The time-stepping loop shared by every method: step-size control, the last step landing on {@code t1},
 * save points interpolated on the dense output, events, the kept dense output, the work budget and the
 * errors. The state lives in two {@code double[]} buffers swapped at each accepted step.
 */
final class Integrator {
    /** Consecutive non-finite attempts after which a solve gives up. */
    private static final int MAX_NON_FINITE = 30;

    private final OdeProblem problem;
    private final Stepper stepper;
    private final Rhs rhs;
    private final Counters counters;
    private final SolverOptions options;
    private final Tolerances tolerances;
    private final String method;
    private final int n;

    Integrator(OdeProblem problem, Stepper stepper, Rhs rhs, SolverOptions options, Tolerances tolerances,
               String method) {
        this.problem = problem;
        this.stepper = stepper;
        this.rhs = rhs;
        this.counters = rhs.counters();
        this.options = options;
        this.tolerances = tolerances;
        this.method = method;
        this.n = problem.size();
    }

    Solution run() {
        double t0 = problem.t0();
        double t1 = problem.t1();
        double dir = t1 >= t0 ? 1 : -1;
        double[] u = problem.u0().clone();
        double[] uNew = new double[n];
        Saver saver = new Saver(options.saveAt(), t0, t1, dir, n);
        saver.startAt(t0, u);
        DenseOutput dense = options.dense() ? new DenseOutput(n) : null;
        EventLocator events = new EventLocator(options.events(), n);
        List<Event.Hit> hits = new ArrayList<>();
        if (t0 == t1) {
            return new Solution(method, saver.times(), saver.states(), hits, false, counters.snapshot(), dense);
        }
        double[] f0 = new double[n];
        rhs.evaluate(f0, u, t0);
        stepper.start(t0, u, f0);
        events.start(t0, u);

        double maxStep = Math.min(options.maxStep(), Math.abs(t1 - t0));
        double h;
        if (!stepper.adaptive()) {
            if (Double.isNaN(options.fixedStep())) {
                throw new IllegalArgumentException(method + " is a fixed-step method: set the step with "
                        + "SolverOptions.withFixedStep(h)");
            }
            h = options.fixedStep();
        } else if (!Double.isNaN(options.initialStep())) {
            h = options.initialStep();
        } else {
            h = InitialStep.hairer(rhs, tolerances, t0, u, f0, dir, stepper.order(), maxStep);
        }
        h = dir * Math.min(h, maxStep);

        StepController.State control = new StepController.State();
        double[][] q = new double[stepper.denseDegree()][n];
        double[] work = new double[n];
        double margin = stepper.adaptive() ? 0.01 : 1e-8;
        int nonFinite = 0;
        double t = t0;
        boolean terminated = false;
        while (dir * (t1 - t) > 0) {
            boolean last = dir * (t + (1 + margin) * h - t1) >= 0;
            double step = last ? t1 - t : h;
            checkBudget(t, step);
            double err = stepper.attempt(t, step, u, uNew);
            if (!(err <= 1)) {
                counters.rejectedSteps++;
                if (!Double.isFinite(err)) {
                    if (!stepper.adaptive() || ++nonFinite > MAX_NON_FINITE) {
                        throw new OdeSolveException(OdeSolveException.Reason.NON_FINITE, t, counters.snapshot(),
                                method + ": the solution became NaN or infinite in the step from t = " + t
                                        + " with h = " + step + (stepper.adaptive() ? " (and " + MAX_NON_FINITE
                                        + " smaller retries)" : "") + "; check the right-hand side at this state: "
                                        + java.util.Arrays.toString(u));
                    }
                }
                h = stepper.nextStep(control, step, err, false);
                checkStepSize(t, h, err, u);
                continue;
            }
            nonFinite = 0;
            counters.acceptedSteps++;
            stepper.accept(t, step, u, uNew);
            double tNew = last ? t1 : t + step;
            boolean denseReady = false;
            if (events.active() || saver.needsDense() || dense != null) {
                stepper.denseCoefficients(q);
                denseReady = true;
            }
            double tEnd = tNew;
            if (events.active()) {
                final double tStep = t;
                final double hStep = step;
                final double[] uStart = u;
                List<EventLocator.Crossing> crossings = events.locate(t, step, uNew,
                        (theta, out) -> DenseOutput.evaluate(uStart, q, theta, out));
                for (EventLocator.Crossing c : crossings) {
                    Event event = options.events().get(c.event());
                    double tEvent = tStep + c.theta() * hStep;
                    double[] uEvent = new double[n];
                    DenseOutput.evaluate(uStart, q, c.theta(), uEvent);
                    hits.add(new Event.Hit(event.name(), tEvent, uEvent));
                    if (event.terminal()) {
                        terminated = true;
                        tEnd = tEvent;
                        System.arraycopy(uEvent, 0, uNew, 0, n);
                        break;
                    }
                }
                events.advance();
            }
            saver.step(t, step, tEnd, u, uNew, q, work);
            if (dense != null && denseReady) {
                dense.add(t, step, u, q);
            }
            double[] swap = u;
            u = uNew;
            uNew = swap;
            t = tEnd;
            if (terminated || last) {
                break;
            }
            h = stepper.adaptive() ? stepper.nextStep(control, step, err, true) : h;
            if (Math.abs(h) > maxStep) {
                h = dir * maxStep;
            }
        }
        return new Solution(method, saver.times(), saver.states(), hits, terminated, counters.snapshot(), dense);
    }

    private void checkBudget(double t, double h) {
        long attempts = counters.acceptedSteps + counters.rejectedSteps;
        if (attempts >= options.maxSteps()) {
            throw new OdeSolveException(OdeSolveException.Reason.STEP_BUDGET, t, counters.snapshot(),
                    method + ": the budget of " + options.maxSteps() + " steps is spent at t = " + t + " of ["
                            + problem.t0() + ", " + problem.t1() + "] (step " + h + ", " + counters.rejectedSteps
                            + " rejected); raise it with SolverOptions.withBudget, loosen the tolerances, or use a "
                            + "stiff method if the steps are tiny");
        }
        if (counters.rhsEvaluations >= options.maxRhsEvaluations()) {
            throw new OdeSolveException(OdeSolveException.Reason.RHS_BUDGET, t, counters.snapshot(),
                    method + ": the budget of " + options.maxRhsEvaluations() + " RHS evaluations is spent at t = "
                            + t + " of [" + problem.t0() + ", " + problem.t1() + "] (" + counters.acceptedSteps
                            + " steps, step " + h + "); raise it with SolverOptions.withBudget or loosen the "
                            + "tolerances");
        }
    }

    private void checkStepSize(double t, double h, double err, double[] u) {
        if (Math.abs(h) > 16 * Math.ulp(Math.max(Math.abs(t), Math.abs(h)))) {
            return;
        }
        if (!Double.isFinite(err)) {
            throw new OdeSolveException(OdeSolveException.Reason.NON_FINITE, t, counters.snapshot(),
                    method + ": the right-hand side gives NaN or infinite values just after t = " + t
                            + " however small the step (down to h = " + h + "); check it at this state: "
                            + java.util.Arrays.toString(u));
        }
        throw new OdeSolveException(OdeSolveException.Reason.STEP_SIZE_UNDERFLOW, t, counters.snapshot(),
                method + ": the step size underflowed (h = " + h + ") at t = " + t + " with error norm " + err
                        + "; the solution may be singular here, or the problem unstable in this direction of integration"
                        + (stepper instanceof ExplicitRkStepper || stepper instanceof Dop853Stepper
                                ? ", or stiff (try RODAS4 or RADAU5)" : ""));
    }

    /** Collects the saved points: every step, or the requested times interpolated on the dense output. */
    private static final class Saver {
        private final double[] saveAt;
        private final double dir;
        private final int n;
        private final List<Double> times = new ArrayList<>();
        private final List<double[]> states = new ArrayList<>();
        private int next;

        Saver(double[] saveAt, double t0, double t1, double dir, int n) {
            this.saveAt = saveAt;
            this.dir = dir;
            this.n = n;
            if (saveAt != null) {
                double lo = Math.min(t0, t1);
                double hi = Math.max(t0, t1);
                for (int i = 0; i < saveAt.length; i++) {
                    if (!(saveAt[i] >= lo && saveAt[i] <= hi)) {
                        throw new IllegalArgumentException("SolverOptions.saveAt[" + i + "] = " + saveAt[i]
                                + " is outside the time span [" + t0 + ", " + t1 + "]");
                    }
                    if (i > 0 && dir * (saveAt[i] - saveAt[i - 1]) < 0) {
                        throw new IllegalArgumentException("SolverOptions.saveAt must be ordered from t0 = " + t0
                                + " to t1 = " + t1 + ": saveAt[" + (i - 1) + "] = " + saveAt[i - 1] + ", saveAt["
                                + i + "] = " + saveAt[i]);
                    }
                }
            }
        }

        boolean needsDense() {
            return saveAt != null;
        }

        void startAt(double t0, double[] u0) {
            if (saveAt == null) {
                add(t0, u0.clone());
                return;
            }
            while (next < saveAt.length && saveAt[next] == t0) {
                add(t0, u0.clone());
                next++;
            }
        }

        /**
         * After the step {@code [t, t + h]}, ending (maybe early, at a terminal event) at {@code tEnd},
         * {@code uEnd}; save times past a terminal event are not reached (the event's hit has its state).
         */
        void step(double t, double h, double tEnd, double[] u, double[] uEnd, double[][] q, double[] work) {
            if (saveAt == null) {
                add(tEnd, uEnd.clone());
                return;
            }
            while (next < saveAt.length && dir * (saveAt[next] - tEnd) <= 0) {
                double ts = saveAt[next++];
                if (ts == tEnd) {
                    add(ts, uEnd.clone());
                } else {
                    DenseOutput.evaluate(u, q, (ts - t) / h, work);
                    add(ts, work.clone());
                }
            }
        }

        private void add(double t, double[] u) {
            times.add(t);
            states.add(u);
        }

        double[] times() {
            double[] out = new double[times.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = times.get(i);
            }
            return out;
        }

        double[][] states() {
            return states.toArray(new double[0][]);
        }
    }
}

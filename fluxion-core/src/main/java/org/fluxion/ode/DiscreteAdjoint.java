package org.fluxion.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Discrete sensitivities of an explicit Runge–Kutta solve by a reverse sweep over its stored stages, with the
 * right-hand side's vector-Jacobian products: the exact gradient of the computed solution, as
 * {@link SensitivityMethod#DISCRETE} gives on the tape, without the tape (no per-operation nodes: one VJP per
 * stage, which a {@link TensorOde#compiled()} field runs as one compiled plan).
 *
 * <p>The forward solve takes the same steps as {@link TensorRungeKutta} (same first step, controller and
 * error norm; step sizes are constants of the derivative) and keeps, per accepted step, its start state and
 * its stages. Reverse sweep of a step {@code u_new = u + h sum_i b_i k_i},
 * {@code k_i = f(x_i, t + c_i h)}, {@code x_i = u + h sum_{j<i} a_ij k_j}, given {@code ubar_new}:
 * <pre>
 *   kbar_i = h b_i ubar_new (+ h w_i(theta) ybar for a save point interpolated in the step)
 *   for i = s-1 .. 0:  (xbar_i, pbar_i) = vjp_f(x_i)(kbar_i);  pbar += pbar_i;  ubar += xbar_i;
 *                      kbar_j += h a_ij xbar_i  (j < i)
 *   ubar = ubar_new + sum_i xbar_i
 * </pre>
 * A stage whose cotangent is zero (the FSAL stage, used only by the error estimate) costs no VJP. Memory:
 * {@code s + 1} vectors of length n per step.
 */
final class DiscreteAdjoint {
    private DiscreteAdjoint() {
    }

    /** One accepted step: its start, size, start state and stages. */
    private record Step(double t, double h, double[] u, double[][] k) {
    }

    /** A save point: the step it falls in (or -1 for the initial state) and where in it. */
    private record SavePoint(int step, double theta, boolean atEnd) {
    }

    /** The forward solve with what the reverse sweep needs. */
    static final class Trajectory {
        private final List<Step> steps = new ArrayList<>();
        private final List<SavePoint> points = new ArrayList<>();
        private final List<double[]> states = new ArrayList<>();
        private final Counters counters = new Counters();
        private ButcherTableau tableau;

        /** The saved states, {@code u(times[i])}. */
        double[][] states() {
            return states.toArray(new double[0][]);
        }

        Statistics statistics() {
            return counters.snapshot();
        }
    }

    /** The tableau of an explicit method this sensitivity method can run. */
    static ButcherTableau tableau(Method method, String what) {
        return switch (method) {
            case DP5 -> Tableaus.DORMAND_PRINCE;
            case TSIT5 -> Tableaus.TSITOURAS;
            case RK4 -> Tableaus.RK4;
            case EULER -> Tableaus.EULER;
            default -> throw new IllegalArgumentException(what + " runs DP5, TSIT5, RK4 or EULER, not " + method
                    + " (a Rosenbrock or Radau step needs a differentiable linear solve; use FORWARD or an adjoint)");
        };
    }

    /** Solves {@code problem} with {@code method}, saving at {@code options.saveAt()} and keeping the stages. */
    static Trajectory forward(OdeProblem problem, Method method, SolverOptions options) {
        ButcherTableau tableau = tableau(method, "DISCRETE_ADJOINT");
        boolean adaptive = method.adaptive();
        if (!adaptive && Double.isNaN(options.fixedStep())) {
            throw new IllegalArgumentException(method + " is a fixed-step method: set the step with "
                    + "SolverOptions.withFixedStep(h)");
        }
        double[] times = options.saveAt();
        Trajectory tr = new Trajectory();
        tr.tableau = tableau;
        Rhs rhs = new Rhs(problem.f(), problem.p(), tr.counters);
        int n = problem.size();
        Tolerances tol = options.tolerances(n);
        double t0 = problem.t0();
        double t1 = problem.t1();
        double dir = t1 >= t0 ? 1 : -1;
        int next = 0;
        while (next < times.length && times[next] == t0) {
            tr.points.add(new SavePoint(-1, 0, true));
            tr.states.add(problem.u0().clone());
            next++;
        }
        int s = tableau.stages();
        double[] u = problem.u0().clone();
        double t = t0;
        double[] first = new double[n];
        rhs.evaluate(first, u, t0);
        double h;
        double maxStep = Math.min(options.maxStep(), Math.abs(t1 - t0));
        if (!adaptive) {
            h = options.fixedStep();
        } else if (!Double.isNaN(options.initialStep())) {
            h = options.initialStep();
        } else {
            h = InitialStep.hairer(rhs, tol, t0, u, first, dir, tableau.order(), maxStep);
        }
        h = dir * Math.min(h, maxStep);
        StepController controller = tableau.controller();
        StepController.State control = new StepController.State();
        double margin = adaptive ? 0.01 : 1e-8;
        double[] x = new double[n];
        double[] err = new double[n];
        double[][] k = new double[s][n];
        System.arraycopy(first, 0, k[0], 0, n);
        boolean haveFirst = true;
        while (dir * (t1 - t) > 0) {
            boolean last = dir * (t + (1 + margin) * h - t1) >= 0;
            double step = last ? t1 - t : h;
            if (tr.counters.acceptedSteps + tr.counters.rejectedSteps >= options.maxSteps()
                    || tr.counters.rhsEvaluations >= options.maxRhsEvaluations()) {
                throw new OdeSolveException(OdeSolveException.Reason.STEP_BUDGET, t, tr.counters.snapshot(),
                        tableau.name() + " (discrete adjoint): the budget of " + options.maxSteps() + " steps / "
                                + options.maxRhsEvaluations() + " RHS evaluations is spent at t = " + t);
            }
            if (!haveFirst) {
                rhs.evaluate(k[0], u, t);
            }
            int before = tableau.fsal() ? s - 1 : s;
            for (int i = 1; i < before; i++) {
                stageInput(u, k, tableau.a()[i], step, x);
                rhs.evaluate(k[i], x, t + tableau.c()[i] * step);
            }
            double[] uNew = new double[n];
            stageInput(u, k, tableau.b(), step, uNew);
            if (tableau.fsal()) {
                rhs.evaluate(k[s - 1], uNew, t + step);
            }
            double e = 0;
            if (adaptive) {
                Arrays.fill(err, 0);
                for (int j = 0; j < s; j++) {
                    double w = step * tableau.e()[j];
                    if (w != 0) {
                        for (int i = 0; i < n; i++) {
                            err[i] += w * k[j][i];
                        }
                    }
                }
                e = tol.norm(err, u, uNew);
            }
            if (!(e <= 1)) {
                tr.counters.rejectedSteps++;
                h = controller.rejected(control, step, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
                if (Math.abs(h) <= 16 * Math.ulp(Math.max(Math.abs(t), Math.abs(h)))) {
                    throw new OdeSolveException(OdeSolveException.Reason.STEP_SIZE_UNDERFLOW, t,
                            tr.counters.snapshot(), tableau.name() + " (discrete adjoint): the step size underflowed"
                            + " (h = " + h + ") at t = " + t);
                }
                haveFirst = true;
                continue;
            }
            tr.counters.acceptedSteps++;
            double[][] kept = new double[s][];
            for (int j = 0; j < s; j++) {
                kept[j] = k[j].clone();
            }
            tr.steps.add(new Step(t, step, u, kept));
            int index = tr.steps.size() - 1;
            double tNew = last ? t1 : t + step;
            while (next < times.length && dir * (times[next] - tNew) <= 0) {
                double ts = times[next++];
                if (ts == tNew) {
                    tr.points.add(new SavePoint(index, 1, true));
                    tr.states.add(uNew.clone());
                } else {
                    double theta = (ts - t) / step;
                    double[] y = u.clone();
                    double[] w = denseWeights(tableau, theta);
                    for (int j = 0; j < s; j++) {
                        double c = step * w[j];
                        for (int i = 0; i < n; i++) {
                            y[i] += c * kept[j][i];
                        }
                    }
                    tr.points.add(new SavePoint(index, theta, false));
                    tr.states.add(y);
                }
            }
            u = uNew;
            t = tNew;
            if (tableau.fsal()) {
                System.arraycopy(kept[s - 1], 0, k[0], 0, n);
                haveFirst = true;
            } else {
                haveFirst = false;
            }
            if (adaptive) {
                h = controller.accepted(control, step, e);
            }
            if (Math.abs(h) > options.maxStep()) {
                h = dir * options.maxStep();
            }
        }
        return tr;
    }

    /** {@code out = u + h sum_j w[j] k[j]}. */
    private static void stageInput(double[] u, double[][] k, double[] w, double h, double[] out) {
        System.arraycopy(u, 0, out, 0, u.length);
        for (int j = 0; j < w.length && j < k.length; j++) {
            double c = h * w[j];
            if (c != 0) {
                double[] kj = k[j];
                for (int i = 0; i < out.length; i++) {
                    out[i] += c * kj[i];
                }
            }
        }
    }

    /** {@code w_i(theta) = sum_j dense[i][j] theta^(j+1)}. */
    private static double[] denseWeights(ButcherTableau tableau, double theta) {
        double[][] r = tableau.dense();
        double[] w = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            double power = theta;
            for (int j = 0; j < r[i].length; j++) {
                w[i] += r[i][j] * power;
                power *= theta;
            }
        }
        return w;
    }

    /** The gradient from the cotangents {@code dL/du(times[i])} by the reverse sweep over {@code tr}'s steps. */
    static Gradient gradient(OdeProblem problem, Derivatives d, Trajectory tr, double[][] cotangents,
                             Solution forward) {
        int n = problem.size();
        int np = problem.p().length;
        double[] p = problem.p();
        ButcherTableau tableau = tr.tableau;
        int s = tableau.stages();
        double[] ubar = new double[n];
        double[] pbar = new double[np];
        double[][] kbar = new double[s][n];
        double[] x = new double[n];
        double[] xbar = new double[n];
        double[] stepP = new double[np];
        Counters work = new Counters();
        int point = tr.points.size() - 1;
        for (int index = tr.steps.size() - 1; index >= 0; index--) {
            Step step = tr.steps.get(index);
            double h = step.h();
            for (double[] row : kbar) {
                Arrays.fill(row, 0);
            }
            // Save points in this step, the end first: the end's cotangent joins ubar_new.
            for (; point >= 0 && tr.points.get(point).step() == index; point--) {
                SavePoint sp = tr.points.get(point);
                double[] g = cotangents[point];
                if (sp.atEnd()) {
                    add(ubar, g, 1);
                } else {
                    double[] w = denseWeights(tableau, sp.theta());
                    for (int j = 0; j < s; j++) {
                        add(kbar[j], g, h * w[j]);
                    }
                }
            }
            for (int j = 0; j < s; j++) {
                add(kbar[j], ubar, h * tableau.b()[j]);
            }
            // Interpolated points' direct dependence on the step's start state.
            for (int q = point + 1; q < tr.points.size() && tr.points.get(q).step() == index; q++) {
                if (!tr.points.get(q).atEnd()) {
                    add(ubar, cotangents[q], 1);
                }
            }
            for (int i = s - 1; i >= 0; i--) {
                if (isZero(kbar[i])) {
                    continue;
                }
                stageInput(step.u(), step.k(), tableau.a()[i], h, x);
                work.rhsEvaluations++;
                d.vjp(step.t() + tableau.c()[i] * h, x, p, kbar[i], xbar, stepP);
                add(pbar, stepP, 1);
                add(ubar, xbar, 1);
                double[] ai = tableau.a()[i];
                for (int j = 0; j < i && j < ai.length; j++) {
                    if (ai[j] != 0) {
                        add(kbar[j], xbar, h * ai[j]);
                    }
                }
            }
        }
        for (; point >= 0; point--) {
            add(ubar, cotangents[point], 1);
        }
        return new Gradient(ubar, pbar, forward, SensitivityMethod.DISCRETE_ADJOINT, work.snapshot());
    }

    private static void add(double[] target, double[] v, double scale) {
        if (scale == 0) {
            return;
        }
        for (int i = 0; i < target.length; i++) {
            target[i] += scale * v[i];
        }
    }

    private static boolean isZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The forward solve as a {@link Solution} (saved times and states, statistics). */
    static Solution solution(Method method, double[] times, Trajectory tr) {
        double[][] states = tr.states();
        return new Solution(method.name(), Arrays.copyOf(times, states.length), states, List.of(), false,
                tr.statistics(), null);
    }
}

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
 * {@code s + 1} vectors of length n per step; a float32 field's stages are kept as float32 ({@link ResidualField}).
 */
final class DiscreteAdjoint {
    private DiscreteAdjoint() {
    }

    /**
     * One accepted step: its start, size, start state (null when the field keeps its stage inputs: the sweep does not
     * read it), stages (float[] or double[], {@link ResidualField}) and their residuals.
     */
    private record Step(double t, double h, double[] u, Object[] k, Object[] residuals) {
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
        private OdeProblem problem;
        /** The field whose residuals the steps keep, or null for the problem's plain right-hand side. */
        private ResidualField field;
        /** Whether a reverse sweep has given the stages back to the field ({@link #gradient} runs once per solve). */
        private boolean spent;

        /** The problem solved. */
        OdeProblem problem() {
            return problem;
        }

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
        return forward(problem, method, options, null);
    }

    /**
     * {@link #forward(OdeProblem, Method, SolverOptions)}, the stages evaluated by {@code field} (when not null) and
     * their residuals kept for {@link #gradient}'s VJPs; {@code field} must be {@code problem}'s right-hand side.
     */
    static Trajectory forward(OdeProblem problem, Method method, SolverOptions options, ResidualField field) {
        ButcherTableau tableau = tableau(method, "DISCRETE_ADJOINT");
        boolean adaptive = method.adaptive();
        if (!adaptive && Double.isNaN(options.fixedStep())) {
            throw new IllegalArgumentException(method + " is a fixed-step method: set the step with "
                    + "SolverOptions.withFixedStep(h)");
        }
        double[] times = options.saveAt();
        Trajectory tr = new Trajectory();
        tr.tableau = tableau;
        tr.problem = problem;
        tr.field = field;
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
        double[] p = problem.p();
        ResidualField stages = field != null ? field : ResidualField.plain(problem.f(), null, n);
        double[] scratch = new double[n];
        // A field that keeps its stage inputs needs no step's start state in the reverse sweep: the state and the
        // next one then alternate between two arrays instead of a new one per step.
        boolean keepStarts = !stages.keepsInputs();
        double[] spare = keepStarts ? null : new double[n];
        double[] u = problem.u0().clone();
        double t = t0;
        Object[] k = new Object[s];
        Object[] residuals = new Object[s];
        evaluate(stages, tr.counters, u, p, t0, 0, k, residuals, scratch);
        double h;
        double maxStep = Math.min(options.maxStep(), Math.abs(t1 - t0));
        if (!adaptive) {
            h = options.fixedStep();
        } else if (!Double.isNaN(options.initialStep())) {
            h = options.initialStep();
        } else {
            h = InitialStep.hairer(rhs, tol, t0, u, doubles(k[0]), dir, tableau.order(), maxStep);
        }
        h = dir * Math.min(h, maxStep);
        StepController controller = tableau.controller();
        StepController.State control = new StepController.State();
        double margin = adaptive ? 0.01 : 1e-8;
        double[] err = new double[n];
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
                evaluate(stages, tr.counters, u, p, t, 0, k, residuals, scratch);
            }
            int before = tableau.fsal() ? s - 1 : s;
            for (int i = 1; i < before; i++) {
                combine(stages.state(), u, step, tableau.a()[i], k, i, scratch);
                evaluate(stages, tr.counters, null, p, t + tableau.c()[i] * step, i, k, residuals, scratch);
            }
            double[] uNew = keepStarts ? new double[n] : spare;
            combine(uNew, u, step, tableau.b(), k, Math.min(tableau.b().length, s), scratch);
            if (tableau.fsal()) {
                evaluate(stages, tr.counters, uNew, p, t + step, s - 1, k, residuals, scratch);
            }
            double e = 0;
            if (adaptive) {
                combine(err, null, step, tableau.e(), k, s, scratch);
                e = tol.normOverwriting(err, u, uNew);
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
            // Each evaluation returned a new array, never written again: the step keeps them as they are.
            Object[] kept = k.clone();
            tr.steps.add(new Step(t, step, keepStarts ? u : null, kept, residuals.clone()));
            int index = tr.steps.size() - 1;
            double tNew = last ? t1 : t + step;
            while (next < times.length && dir * (times[next] - tNew) <= 0) {
                double ts = times[next++];
                if (ts == tNew) {
                    tr.points.add(new SavePoint(index, 1, true));
                    tr.states.add(uNew.clone());
                } else {
                    double theta = (ts - t) / step;
                    double[] y = new double[n];
                    combine(y, u, step, denseWeights(tableau, theta), kept, s, scratch);
                    tr.points.add(new SavePoint(index, theta, false));
                    tr.states.add(y);
                }
            }
            spare = keepStarts ? null : u;
            u = uNew;
            t = tNew;
            if (tableau.fsal()) {
                k[0] = kept[s - 1];
                residuals[0] = residuals[s - 1];
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

    /**
     * Stage {@code stage} of a step: {@code f} at {@code u} (null: the state {@code f} already holds) and {@code t},
     * its value and residuals into {@code k} and {@code residuals}.
     */
    private static void evaluate(ResidualField f, Counters counters, double[] u, double[] p, double t, int stage,
                                 Object[] k, Object[] residuals, double[] scratch) {
        if (u != null) {
            combine(f.state(), u, 0, null, null, 0, scratch);
        }
        counters.rhsEvaluations++;
        ResidualField.Evaluation e = f.evaluate(p, t);
        k[stage] = e.value();
        residuals[stage] = e.residuals();
    }

    /** Elements per block of {@link #combine}: the block of its output stays in L1 while each term is added. */
    private static final int BLOCK = 512;

    /**
     * {@code out = base + sum_j (h w[j]) v[j]} over {@code j < count} in order of j, terms whose coefficient or
     * vector is zero (null) skipped; {@code base} null for zero, or {@code out} itself. Each element is summed in
     * float64 as the plain loops {@code out[i] += c_j v_j[i]} one term after another would, then stored; into a
     * {@code float[] out} rounded once. The terms {@code v[j]} are {@code float[]} or {@code double[]}. They are added
     * block by block, so {@code out} is read and written once instead of once per term; a float32 output is summed
     * in {@code scratch} (at least as long). Every array is indexed alike, so that the loops vectorize (C2 does not
     * vectorize a loop over two double arrays at different offsets, which might overlap).
     */
    static void combine(Object out, double[] base, double h, double[] w, Object[] v, int count, double[] scratch) {
        double[] acc = out instanceof double[] d ? d : scratch;
        int n = out instanceof double[] d ? d.length : ((float[]) out).length;
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(n, b0 + BLOCK);
            if (base == null) {
                Arrays.fill(acc, b0, b1, 0);
            } else if (base != acc) {
                System.arraycopy(base, b0, acc, b0, b1 - b0);
            }
            for (int j = 0; j < count; j++) {
                double c = h * w[j];
                Object vj = v[j];
                if (c != 0 && vj != null) {
                    addScaled(acc, c, vj, b0, b1);
                }
            }
            if (out instanceof float[] f) {
                for (int i = b0; i < b1; i++) {
                    f[i] = (float) acc[i];
                }
            }
        }
    }

    /** {@code acc[i] += c * v[i]} for {@code b0 <= i < b1}, v a float[] or a double[]. */
    private static void addScaled(double[] acc, double c, Object v, int b0, int b1) {
        if (v instanceof float[] f) {
            for (int i = b0; i < b1; i++) {
                acc[i] += c * f[i];
            }
        } else {
            double[] dv = (double[]) v;
            for (int i = b0; i < b1; i++) {
                acc[i] += c * dv[i];
            }
        }
    }

    /** A stage vector (float[] or double[]) as a new double[]. */
    private static double[] doubles(Object v) {
        if (v instanceof double[] d) {
            return d.clone();
        }
        float[] f = (float[]) v;
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
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

    /**
     * The gradient from the cotangents {@code dL/du(times[i])} by the reverse sweep over {@code tr}'s steps.
     * Each stage's {@code kbar_i} is gathered when its VJP is due,
     * {@code kbar_i = (save points) + h b_i ubar_new + sum_{j > i} h a_ji xbar_j} (j from the last stage down),
     * and {@code ubar} gets its terms at the end of the step, {@code ubar_new + (interpolated points) +
     * sum_j xbar_j}: the order of the scatter written in the class comment, one pass per vector. The VJPs come from the
     * field {@code tr} was solved with, reading the residuals it kept ({@link #forward} with a field), else from d.
     */
    static Gradient gradient(OdeProblem problem, Derivatives d, Trajectory tr, double[][] cotangents,
                             Solution forward) {
        if (tr.spent) {
            throw new IllegalStateException("DiscreteAdjoint: this trajectory's stages were given back by an earlier "
                    + "reverse sweep; solve forward again");
        }
        int n = problem.size();
        int np = problem.p().length;
        double[] p = problem.p();
        ResidualField field = tr.field != null ? tr.field : ResidualField.plain(null, d, n);
        ButcherTableau tableau = tr.tableau;
        int s = tableau.stages();
        double[][] a = tableau.a();
        double[] ubar = new double[n];
        double[] pbar = new double[np];
        // This step's xbar_i (the field's precision), null for a stage whose zero kbar_i got no VJP.
        Object[] xbar = new Object[s];
        // The terms of kbar_i, and of ubar at the end of a step: coefficients and vectors, latest stage first.
        double[] coefficient = new double[s + 1];
        Object[] term = new Object[s + 1];
        double[][] base = new double[s][]; // kbar_i's terms from save points in the step, or null
        double[][] baseStore = new double[s][];
        double[] scratch = new double[n];
        Counters work = new Counters();
        field.drainParameters(null); // the sum of pbar's terms starts at zero
        int point = tr.points.size() - 1;
        for (int index = tr.steps.size() - 1; index >= 0; index--) {
            Step step = tr.steps.get(index);
            double h = step.h();
            Arrays.fill(base, null);
            // Save points in this step, the end first: the end's cotangent joins ubar_new.
            for (; point >= 0 && tr.points.get(point).step() == index; point--) {
                SavePoint sp = tr.points.get(point);
                double[] g = cotangents[point];
                if (sp.atEnd()) {
                    add(ubar, g, 1);
                } else {
                    double[] w = denseWeights(tableau, sp.theta());
                    for (int j = 0; j < s; j++) {
                        if (base[j] == null) {
                            base[j] = baseStore[j] != null ? baseStore[j] : (baseStore[j] = new double[n]);
                            Arrays.fill(base[j], 0);
                        }
                        add(base[j], g, h * w[j]);
                    }
                }
            }
            for (int i = s - 1; i >= 0; i--) {
                int terms = 0;
                coefficient[terms] = tableau.b()[i];
                term[terms++] = ubar;
                for (int j = s - 1; j > i; j--) {
                    coefficient[terms] = j < a.length && i < a[j].length ? a[j][i] : 0;
                    term[terms++] = xbar[j];
                }
                combine(field.cotangent(), base[i], h, coefficient, term, terms, scratch); // kbar_i
                if (isZero(field.cotangent())) {
                    xbar[i] = null;
                    continue;
                }
                if (!field.keepsInputs()) { // x_i again, where the field did not keep it
                    combine(field.vjpState(), step.u(), h, a[i], step.k(), Math.min(a[i].length, s), scratch);
                }
                work.rhsEvaluations++;
                double ti = step.t() + tableau.c()[i] * h;
                xbar[i] = field.vjp(step.residuals()[i], ti, p);
            }
            // Interpolated points' direct dependence on the step's start state, then the stages'.
            for (int q = point + 1; q < tr.points.size() && tr.points.get(q).step() == index; q++) {
                if (!tr.points.get(q).atEnd()) {
                    add(ubar, cotangents[q], 1);
                }
            }
            int terms = 0;
            for (int j = s - 1; j >= 0; j--) {
                coefficient[terms] = 1;
                term[terms++] = xbar[j];
            }
            combine(ubar, ubar, 1, coefficient, term, terms, scratch);
            field.recycle(Arrays.asList(xbar)); // this step's VJP results are read no more: the next step's reuse them
        }
        for (; point >= 0; point--) {
            add(ubar, cotangents[point], 1);
        }
        // The trajectory is spent: its stages and residuals go back to the field.
        List<Object> spent = new ArrayList<>();
        for (Step step : tr.steps) {
            spent.addAll(Arrays.asList(step.residuals()));
        }
        tr.steps.clear();
        tr.spent = true;
        field.recycle(spent);
        field.drainParameters(pbar);
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

    /** Whether every element of {@code v} (a float[] or a double[]) is zero. */
    private static boolean isZero(Object v) {
        if (v instanceof float[] f) {
            for (float x : f) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }
        for (double x : (double[]) v) {
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

package org.fluxion.ode;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * An explicit Runge–Kutta solve written with tensor operations, for discrete sensitivities: with the initial
 * state or the parameters tracked, every stage is recorded on Fluxion's tape and reverse mode differentiates
 * the computed solution exactly ("discretize, then optimize"). Step sizes are chosen on the values (the
 * error norm is read from detached stages), so they are constants of the derivative, as in torchdiffeq and
 * Diffrax. Save times are interpolated with the method's dense output, also with tensor operations. Under
 * {@code jit} an adaptive solve cannot read its values: it becomes one traced loop ({@link TracedRungeKutta}),
 * the same steps decided when the plan runs.
 */
final class TensorRungeKutta {
    private final TensorField f;
    private final Tensor[] params;
    private final ButcherTableau tableau;
    private final boolean adaptive;
    private final SolverOptions options;
    private final Counters counters = new Counters();
    private final DType dtype;

    TensorRungeKutta(TensorField f, Tensor[] params, ButcherTableau tableau, boolean adaptive, SolverOptions options,
                     DType dtype) {
        this.f = f;
        this.params = params;
        this.tableau = tableau;
        this.adaptive = adaptive;
        this.options = options;
        this.dtype = dtype;
    }

    private Tensor eval(Tensor u, double t) {
        counters.rhsEvaluations++;
        return f.apply(u, Tensor.scalar(t, dtype), params);
    }

    /** {@code base + sum_j w[j] k[j]} over the nonzero weights, with tensor operations. */
    private static Tensor combine(Tensor base, Tensor[] k, double[] w, double scale) {
        Tensor acc = base;
        for (int j = 0; j < w.length && j < k.length; j++) {
            if (w[j] != 0) {
                Tensor term = k[j].mul(scale * w[j]);
                acc = acc == null ? term : acc.add(term);
            }
        }
        return acc;
    }

    /** The states at {@code times} ({@code times[0]} the initial time), stacked along a new axis 0. */
    Tensor solve(Tensor u0, double[] times, TensorOde detached) {
        if (adaptive && traced(u0, params)) {
            return new TracedRungeKutta(f, params, tableau, options, dtype).solve(u0, times);
        }
        int n = u0.size();
        Tolerances tol = options.tolerances(n);
        double t0 = times[0];
        double t1 = times[times.length - 1];
        double dir = t1 >= t0 ? 1 : -1;
        List<Tensor> saved = new ArrayList<>();
        saved.add(u0);
        int next = 1;
        while (next < times.length && times[next] == t0) {
            saved.add(u0);
            next++;
        }
        int s = tableau.stages();
        Tensor u = u0;
        double t = t0;
        Tensor first = eval(u0, t0);
        double h;
        if (!adaptive) {
            h = options.fixedStep();
        } else if (!Double.isNaN(options.initialStep())) {
            h = options.initialStep();
        } else {
            Rhs rhs = new Rhs(detached.function(), detached.flattenParameters(params), counters);
            h = InitialStep.hairer(rhs, tol, t0, values(u0), values(first), dir, tableau.order(),
                    Math.min(options.maxStep(), Math.abs(t1 - t0)));
        }
        h = dir * Math.min(h, Math.min(options.maxStep(), Math.abs(t1 - t0)));
        StepController controller = tableau.controller();
        StepController.State control = new StepController.State();
        double margin = adaptive ? 0.01 : 1e-8;
        while (dir * (t1 - t) > 0 && t0 != t1) {
            boolean last = dir * (t + (1 + margin) * h - t1) >= 0;
            double step = last ? t1 - t : h;
            if (counters.acceptedSteps + counters.rejectedSteps >= options.maxSteps()
                    || counters.rhsEvaluations >= options.maxRhsEvaluations()) {
                throw new OdeSolveException(OdeSolveException.Reason.STEP_BUDGET, t, counters.snapshot(),
                        tableau.name() + " (discrete): the budget of " + options.maxSteps() + " steps / "
                                + options.maxRhsEvaluations() + " RHS evaluations is spent at t = " + t);
            }
            if (first == null) {
                first = eval(u, t);
            }
            Tensor[] k = new Tensor[s];
            k[0] = first;
            int stagesBeforeSolution = tableau.fsal() ? s - 1 : s;
            for (int i = 1; i < stagesBeforeSolution; i++) {
                k[i] = eval(combine(u, k, tableau.a()[i], step), t + tableau.c()[i] * step);
            }
            Tensor uNew = combine(u, k, tableau.b(), step);
            if (tableau.fsal()) {
                k[s - 1] = eval(uNew, t + step);
            }
            double err = 0;
            if (adaptive) {
                // The error estimate only chooses steps (a constant of the derivative): not recorded.
                double[] e;
                try (var mode = GradMode.noGrad()) {
                    e = values(combine(null, k, tableau.e(), step));
                }
                err = tol.norm(e, values(u), values(uNew));
            }
            if (!(err <= 1)) {
                counters.rejectedSteps++;
                h = controller.rejected(control, step, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                if (Math.abs(h) <= 16 * Math.ulp(Math.max(Math.abs(t), Math.abs(h)))) {
                    throw new OdeSolveException(OdeSolveException.Reason.STEP_SIZE_UNDERFLOW, t, counters.snapshot(),
                            tableau.name() + " (discrete): the step size underflowed (h = " + h + ") at t = " + t);
                }
                continue;
            }
            counters.acceptedSteps++;
            double tNew = last ? t1 : t + step;
            while (next < times.length && dir * (times[next] - tNew) <= 0) {
                double ts = times[next++];
                saved.add(ts == tNew ? uNew : interpolate(u, k, (ts - t) / step, step));
            }
            u = uNew;
            t = tNew;
            first = tableau.fsal() ? k[s - 1] : null;
            if (adaptive) {
                h = controller.accepted(control, step, err);
            }
            if (Math.abs(h) > options.maxStep()) {
                h = dir * options.maxStep();
            }
        }
        return Tensor.stack(0, saved);
    }

    /** {@code u + sum_i k_i h sum_j R_ij theta^(j+1)}: the dense output at {@code theta}. */
    private Tensor interpolate(Tensor u, Tensor[] k, double theta, double h) {
        double[][] r = tableau.dense();
        double[] w = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            double power = theta;
            for (int j = 0; j < r[i].length; j++) {
                w[i] += r[i][j] * power;
                power *= theta;
            }
        }
        return combine(u, k, w, h);
    }

    /** Whether jit is tracing the solve: its step sizes cannot be read, so it becomes a traced loop. */
    private static boolean traced(Tensor u0, Tensor[] params) {
        if (u0.isTraced()) {
            return true;
        }
        for (Tensor p : params) {
            if (p.isTraced()) {
                return true;
            }
        }
        return false;
    }

    Statistics statistics() {
        return counters.snapshot();
    }

    private static double[] values(Tensor t) {
        return t.detach().toDoubleArray();
    }
}

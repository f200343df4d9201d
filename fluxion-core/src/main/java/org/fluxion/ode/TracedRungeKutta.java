package org.fluxion.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Control;

/**
 * The adaptive explicit Runge–Kutta solve of {@link TensorRungeKutta} as one {@link Control#whileLoop}, so that
 * it traces under {@code jit}: the step count depends on values, which a trace cannot read, so the loop runs
 * when the compiled plan runs (and its reverse mode re-runs it on the tape, Zygote's per-iteration stack). The
 * same steps as the eager solve: Hairer's initial step, the same proportional-integral controller and weighted
 * RMS error norm, written with tensor operations. Each iteration tries one step; acceptance is a select
 * ({@code where(err <= 1, new, old)}), as are the save times that fall inside an accepted step (the dense
 * output at all of them at once, kept where they fall in the step).
 *
 * <p>Step sizes and times are computed from detached values, so they are constants of the derivative, as in
 * the eager discrete solve. The carry: time, next step, state, first stage (FSAL), the controller's last
 * accepted error and whether the last step was rejected, the saved states {@code [T, ...]} and the number of
 * steps tried, all float64 scalars but the state and the saves. A solve that spends {@code maxSteps} tries, or
 * whose step underflows, stops there: the save times it did not reach come out NaN (a trace cannot throw on a
 * value).
 */
final class TracedRungeKutta {
    private static final int T = 0;
    private static final int H = 1;
    private static final int U = 2;
    private static final int FIRST = 3;
    private static final int ERR_PREV = 4;
    private static final int REJECTED = 5;
    private static final int OUT = 6;
    private static final int STEPS = 7;

    private final TensorField f;
    private final Tensor[] params;
    private final ButcherTableau tableau;
    private final SolverOptions options;
    private final DType dtype;

    TracedRungeKutta(TensorField f, Tensor[] params, ButcherTableau tableau, SolverOptions options, DType dtype) {
        this.f = f;
        this.params = params;
        this.tableau = tableau;
        this.options = options;
        this.dtype = dtype;
    }

    /** The states at {@code times} ({@code times[0]} the initial time), stacked along a new axis 0. */
    Tensor solve(Tensor u0, double[] times) {
        int n = u0.size();
        Tolerances tol = options.tolerances(n);
        Tensor rtol = Tensor.of(tol.rtol(), n).reshape(u0.dims());
        Tensor atol = Tensor.of(tol.atol(), n).reshape(u0.dims());
        double t0 = times[0];
        double t1 = times[times.length - 1];
        double dir = t1 >= t0 ? 1 : -1;
        double maxStep = Math.min(options.maxStep(), Math.abs(t1 - t0));
        Tensor first = eval(u0, scalar(t0));
        Tensor h = Double.isNaN(options.initialStep())
                ? initialStep(u0, first, t0, dir, maxStep, rtol, atol, tol.controlled())
                : scalar(Math.min(options.initialStep(), maxStep));
        h = h.mul(dir);
        // Saves: u0 at the times equal to t0, NaN elsewhere until a step reaches them.
        int count = times.length;
        boolean[] atStart = new boolean[count];
        for (int j = 0; j < count; j++) {
            atStart[j] = times[j] == t0;
        }
        Tensor out = Tensor.where(Tensor.of(atStart, saveShape(count, u0.rank())), u0.unsqueeze(0),
                Tensor.scalar(Double.NaN, dtype));
        List<Tensor> init = new ArrayList<>(List.of(scalar(t0), h, u0, first, scalar(1e-4), scalar(0), out, scalar(0)));
        Tensor ts = Tensor.of(times, count);
        double maxSteps = options.maxSteps();
        List<Tensor> end = Control.whileLoop(c -> {
            Tensor t = c.get(T);
            Tensor going = t1 == t0 ? scalar(0).gt(1) : t.neg().add(t1).mul(dir).gt(0);
            Tensor hAbs = c.get(H).abs();
            Tensor room = hAbs.gt(t.abs().maximum(hAbs).mul(16 * Math.ulp(1.0)));
            return going.logicalAnd(room).logicalAnd(c.get(STEPS).lt(maxSteps));
        }, c -> step(c, ts, t1, dir, rtol, atol, tol.controlled()), init);
        return end.get(OUT);
    }

    /** One tried step: the stages, the error, and every carry selected by whether the step is accepted. */
    private List<Tensor> step(List<Tensor> c, Tensor ts, double t1, double dir, Tensor rtol, Tensor atol,
                              int controlled) {
        Tensor t = c.get(T);
        Tensor h = c.get(H);
        Tensor u = c.get(U);
        int s = tableau.stages();
        Tensor last = t.add(h.mul(1.01)).sub(t1).mul(dir).ge(0);
        Tensor step = Tensor.where(last, t.neg().add(t1), h);
        Tensor stepState = step.to(dtype);
        Tensor[] k = new Tensor[s];
        k[0] = tableau.fsal() ? c.get(FIRST) : eval(u, t);
        int before = tableau.fsal() ? s - 1 : s;
        for (int i = 1; i < before; i++) {
            k[i] = eval(combine(u, k, tableau.a()[i], stepState), t.add(step.mul(tableau.c()[i])));
        }
        Tensor uNew = combine(u, k, tableau.b(), stepState);
        if (tableau.fsal()) {
            k[s - 1] = eval(uNew, t.add(step));
        }
        Tensor err = errorNorm(combine(null, k, tableau.e(), stepState), u, uNew, rtol, atol, controlled);
        Tensor accept = err.le(1);
        Tensor tNew = Tensor.where(last, scalar(t1), t.add(step));
        // Dense output at every save time; kept where the time lies in (t, tNew] of an accepted step.
        Tensor inStep = accept.logicalAnd(ts.sub(t).mul(dir).gt(0)).logicalAnd(ts.sub(tNew).mul(dir).le(0));
        Tensor theta = ts.sub(t).div(step);
        Tensor dense = denseOutput(u, k, theta, stepState, ts.eq(tNew), uNew);
        Tensor out = Tensor.where(inStep.reshape(saveShape(ts.dim(0), u.rank())), dense, c.get(OUT));
        List<Tensor> next = new ArrayList<>(c);
        next.set(T, Tensor.where(accept, tNew, t));
        next.set(H, nextStep(step, err, accept, c.get(ERR_PREV), c.get(REJECTED), dir));
        next.set(U, Tensor.where(accept, uNew, u));
        next.set(FIRST, tableau.fsal() ? Tensor.where(accept, k[s - 1], c.get(FIRST)) : c.get(FIRST));
        next.set(ERR_PREV, Tensor.where(accept, err.maximum(1e-4), c.get(ERR_PREV)));
        next.set(REJECTED, Tensor.where(accept, scalar(0), scalar(1)));
        next.set(OUT, out);
        next.set(STEPS, c.get(STEPS).add(1));
        return next;
    }

    /**
     * {@link StepController#accepted} or {@link StepController#rejected} as selects, then at most
     * {@code maxStep} in magnitude.
     */
    private Tensor nextStep(Tensor step, Tensor err, Tensor accept, Tensor errPrev, Tensor rejected, double dir) {
        StepController ctl = tableau.controller();
        double alpha = 1.0 / ctl.k() - 0.75 * ctl.beta();
        Tensor fac = err.pow(-alpha).mul(errPrev.pow(ctl.beta())).mul(ctl.safety()).maximum(ctl.facMin())
                .minimum(ctl.facMax());
        fac = Tensor.where(err.eq(0), scalar(ctl.facMax()), fac);
        fac = Tensor.where(rejected.gt(0), fac.minimum(1.0), fac);
        Tensor shrink = err.pow(-1.0 / ctl.k()).mul(ctl.safety()).maximum(ctl.facMin()).minimum(0.9);
        shrink = Tensor.where(err.isFinite(), shrink, scalar(0.25));
        Tensor h = step.mul(Tensor.where(accept, fac, shrink));
        return h.abs().minimum(options.maxStep()).mul(dir);
    }

    /** Hairer's initial step ({@link InitialStep#hairer}) with tensor operations, positive. */
    private Tensor initialStep(Tensor u0, Tensor f0, double t0, double dir, double maxStep, Tensor rtol, Tensor atol,
                               int controlled) {
        Tensor u = u0.detach();
        Tensor f0d = f0.detach();
        Tensor d0 = errorNorm(u, u, u, rtol, atol, controlled);
        Tensor d1 = errorNorm(f0d, u, u, rtol, atol, controlled);
        Tensor h0 = Tensor.where(d0.lt(1e-5).logicalOr(d1.lt(1e-5)), scalar(1e-6), d0.div(d1).mul(0.01))
                .minimum(maxStep);
        Tensor u1 = u.add(f0d.mul(h0.mul(dir).to(dtype)));
        Tensor f1 = eval(u1, h0.mul(dir).add(t0)).detach();
        Tensor d2 = errorNorm(f1.sub(f0d), u, u, rtol, atol, controlled).div(h0);
        Tensor dmax = d1.maximum(d2);
        Tensor h1 = Tensor.where(dmax.le(1e-15), h0.mul(1e-3).maximum(1e-6),
                dmax.reciprocal().mul(0.01).pow(1.0 / (tableau.order() + 1)));
        Tensor h = h0.mul(100).minimum(h1).minimum(maxStep);
        return Tensor.where(h.isFinite().logicalAnd(h.gt(0)), h, scalar(1e-6));
    }

    /** {@link Tolerances#norm}: {@code sqrt(sum_i (e_i / (atol_i + rtol_i max(|u_i|, |v_i|)))^2 / controlled)}. */
    private static Tensor errorNorm(Tensor e, Tensor u, Tensor v, Tensor rtol, Tensor atol, int controlled) {
        if (controlled == 0) {
            return scalar(0);
        }
        Tensor scale = u.detach().to(DType.FLOAT64).abs().maximum(v.detach().to(DType.FLOAT64).abs()).mul(rtol).add(atol);
        // An uncontrolled component has an infinite scale: its term is 0.
        Tensor r = e.detach().to(DType.FLOAT64).div(scale);
        return r.mul(r).sum().div(controlled).sqrt();
    }

    /**
     * The states at the save times: {@code u + h sum_i w_i(theta_j) k_i} per time {@code j}
     * ({@link TensorRungeKutta}'s dense output), or exactly {@code uNew} where the time is the step's end.
     */
    private Tensor denseOutput(Tensor u, Tensor[] k, Tensor theta, Tensor h, Tensor exact, Tensor uNew) {
        double[][] r = tableau.dense();
        int shape = u.rank();
        Tensor thetaState = theta.to(dtype).reshape(saveShape(theta.dim(0), shape));
        Tensor acc = u.unsqueeze(0);
        for (int i = 0; i < k.length && i < r.length; i++) {
            // w_i(theta) = sum_m r[i][m] theta^(m+1), by Horner's rule.
            Tensor w = null;
            for (int m = r[i].length - 1; m >= 0; m--) {
                w = w == null ? thetaState.mul(r[i][m]) : w.add(r[i][m]).mul(thetaState);
            }
            if (w != null) {
                acc = acc.add(w.mul(h).mul(k[i].unsqueeze(0)));
            }
        }
        return Tensor.where(exact.reshape(saveShape(theta.dim(0), shape)), uNew.unsqueeze(0), acc);
    }

    /** {@code [count, 1, ..., 1]} with {@code rank} ones: a per-save-time value broadcast over the state. */
    private static int[] saveShape(int count, int rank) {
        int[] dims = new int[rank + 1];
        Arrays.fill(dims, 1);
        dims[0] = count;
        return dims;
    }

    private Tensor eval(Tensor u, Tensor t) {
        return f.apply(u, t.to(dtype), params);
    }

    /** {@code base + sum_j w[j] h k[j]} over the nonzero weights ({@code h} a scalar tensor). */
    private static Tensor combine(Tensor base, Tensor[] k, double[] w, Tensor h) {
        Tensor acc = base;
        for (int j = 0; j < w.length && j < k.length; j++) {
            if (w[j] != 0) {
                Tensor term = k[j].mul(h.mul(w[j]));
                acc = acc == null ? term : acc.add(term);
            }
        }
        return acc;
    }

    private static Tensor scalar(double v) {
        return Tensor.scalar(v, DType.FLOAT64);
    }
}

package org.fluxion.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.Tree;
import org.fluxion.tensor.Tensor;

/**
 * An ODE solve as a differentiable tensor function (torchdiffeq's {@code odeint}): the states at the given
 * times, stacked, differentiable with respect to the initial state and the parameters in reverse mode
 * ({@code backward()}, {@code grad}, {@code vjp}) and forward mode ({@code jvp}).
 *
 * <pre>{@code
 * Tensor ys = Odeint.solve(ode, u0, new Tensor[] {w}, times, Method.DP5, options, SensitivityMethod.INTERPOLATING_ADJOINT);
 * ys.sub(observed).square().sum().backward();   // w.grad() by the adjoint method
 * }</pre>
 *
 * <p>With an adjoint or {@link SensitivityMethod#FORWARD}, the solve is one operation with its own
 * rules: reverse mode runs the chosen sensitivity method (one more forward solve, then the backward one),
 * forward mode a directional forward-sensitivity solve; these rules read values, so they give first
 * derivatives only. With {@link SensitivityMethod#DISCRETE}, the solver's own tensor operations are recorded
 * and differentiated (any order, as any tensor code).
 */
public final class Odeint {
    private Odeint() {
    }

    /**
     * The states {@code u(times[i])}, of shape {@code [times.length, ...u0.shape]} and u0's dtype, with
     * {@code u(times[0]) = u0}; {@code times} ordered from {@code times[0]}, the initial time.
     *
     * @param ode    the field, bound to the shapes of {@code u0} and {@code params} ({@link TensorOde#of}, or
     *               {@link TensorOde#compiled()} for jit-compiled evaluations, VJPs and Jacobians)
     * @param method the solver; DISCRETE needs DP5, TSIT5, RK4 or EULER
     * @param how    how derivatives are computed ({@link SensitivityMethod#AUTO} chooses)
     */
    public static Tensor solve(TensorOde ode, Tensor u0, Tensor[] params, double[] times, Method method,
                               SolverOptions options, SensitivityMethod how) {
        if (times.length == 0) {
            throw new IllegalArgumentException("Odeint: no times given (times[0] is the initial time)");
        }
        if (how == SensitivityMethod.DISCRETE) {
            return discrete(ode, u0, params, times, method, options);
        }
        SensitivityMethod resolved = how.resolve(ode.stateSize(), ode.parameterSize());
        SolverOptions withTimes = options.withSaveAt(times);
        double t0 = times[0];
        double t1 = times[times.length - 1];
        if (resolved == SensitivityMethod.DISCRETE_ADJOINT) {
            return discreteAdjoint(ode, u0, params, times, method, withTimes);
        }
        boolean adjoint = resolved != SensitivityMethod.FORWARD;
        // The adjoints' forward solve, kept for the reverse pass (dense output included for the interpolating one).
        Solution[] forward = new Solution[1];
        Function<Tensor[], Tensor> solve = Functional.custom("odeint", xs -> {
            OdeProblem problem = ode.problem(xs[0], rest(xs), t0, t1);
            Solution s = adjoint ? Adjoint.forward(problem, method, withTimes, resolved)
                    : Ode.solve(problem, method, withTimes);
            forward[0] = adjoint ? s : null;
            return stack(ode, s.u(), xs[0]);
        }, (g, inputs, output) -> {
            OdeProblem problem = ode.problem(inputs[0], rest(inputs), t0, t1);
            Gradient grad = Sensitivity.gradient(problem, ode.derivatives(), method, withTimes,
                    cotangents(g, ode, times), resolved, null, forward[0]);
            Tensor[] out = new Tensor[inputs.length];
            out[0] = ode.state(grad.initialState()).to(inputs[0].dtype());
            Tensor[] dp = ode.parameterTensors(grad.parameters());
            for (int k = 0; k < dp.length; k++) {
                out[1 + k] = dp[k].to(inputs[1 + k].dtype());
            }
            return out;
        }, (inputs, tangents, output) -> {
            OdeProblem problem = ode.problem(inputs[0], rest(inputs), t0, t1);
            double[] vu = FlatValues.toDoubles(tangents[0]);
            double[] vp = ode.flattenParameters(rest(tangents));
            double[][] s = ForwardSensitivity.directional(problem, ode.derivatives(), method, withTimes, vu, vp);
            return stack(ode, s, inputs[0]);
        });
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u0;
        System.arraycopy(params, 0, xs, 1, params.length);
        return solve.apply(xs);
    }

    /** {@link #solve(TensorOde, Tensor, Tensor[], double[], Method, SolverOptions, SensitivityMethod)} of a field. */
    public static Tensor solve(TensorField field, Tensor u0, Tensor[] params, double[] times, Method method,
                               SolverOptions options, SensitivityMethod how) {
        return solve(TensorOde.of(field, u0, params), u0, params, times, method, options, how);
    }

    /**
     * {@link #solve(TensorField, Tensor, Tensor[], double[], Method, SolverOptions, SensitivityMethod)} of a state
     * that is a tree of tensors (as JAX's {@code odeint} and torchdiffeq's tuple states): the result is a tree of
     * u0's structure whose leaf i is {@code [times.length, ...u0 leaf i's shape]}. The leaves are laid end to end
     * as one flat state (every leaf of one floating dtype), the field sees and returns trees; derivatives reach
     * each leaf of u0 and the parameters by every sensitivity method.
     *
     * @throws IllegalArgumentException when the leaves' dtypes differ, or the field returns a tree of another
     *                                  structure or shape
     */
    public static <T> T solveTree(TreeField<T> field, T u0, Tensor[] params, double[] times, Method method,
                                  SolverOptions options, SensitivityMethod how) {
        Tree.Flat flat = Tree.flatten(u0);
        List<Tensor> leaves = flat.leaves();
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("Odeint.solveTree: the initial state has no tensor");
        }
        int[] sizes = new int[leaves.size()];
        List<Tensor> rows = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            Tensor leaf = leaves.get(i);
            if (leaf.dtype() != leaves.get(0).dtype()) {
                throw new IllegalArgumentException("Odeint.solveTree: leaf " + i + " of the initial state is "
                        + leaf.dtype() + ", leaf 0 is " + leaves.get(0).dtype() + "; the state has one dtype");
            }
            sizes[i] = leaf.size();
            rows.add(leaf.reshape(leaf.size()));
        }
        TensorField flatField = (u, t, ps) -> {
            T tree = flat.def().unflatten(split(u, leaves, sizes, false));
            Tree.Flat du = Tree.flatten(field.apply(tree, t, ps));
            if (!du.def().equals(flat.def())) {
                throw new IllegalArgumentException("Odeint.solveTree: the field returned a tree of structure "
                        + du.def() + " for a state of structure " + flat.def());
            }
            List<Tensor> out = new ArrayList<>(sizes.length);
            for (int i = 0; i < sizes.length; i++) {
                Tensor d = du.leaves().get(i);
                if (!d.shape().equals(leaves.get(i).shape())) {
                    throw new IllegalArgumentException("Odeint.solveTree: the field's leaf " + i + " has shape "
                            + d.shape() + ", the state's " + leaves.get(i).shape());
                }
                out.add(d.reshape(sizes[i]));
            }
            return Tensor.concat(0, out);
        };
        Tensor ys = solve(flatField, Tensor.concat(0, rows), params, times, method, options, how);
        return flat.def().unflatten(split(ys, leaves, sizes, true));
    }

    /**
     * The leaves' parts of a flat state {@code [N]} (or of states {@code [T, N]} when {@code timed}), each in its
     * leaf's shape (after the time axis).
     */
    private static List<Tensor> split(Tensor flat, List<Tensor> leaves, int[] sizes, boolean timed) {
        List<Tensor> out = new ArrayList<>(sizes.length);
        int axis = timed ? 1 : 0;
        int offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            Tensor part = flat.slice(axis, offset, offset + sizes[i]);
            int[] dims = leaves.get(i).dims();
            if (timed) {
                int[] withTime = new int[dims.length + 1];
                withTime[0] = flat.dim(0);
                System.arraycopy(dims, 0, withTime, 1, dims.length);
                dims = withTime;
            }
            out.add(part.reshape(dims));
            offset += sizes[i];
        }
        return out;
    }

    private static Tensor discrete(TensorOde ode, Tensor u0, Tensor[] params, double[] times, Method method,
                                   SolverOptions options) {
        ButcherTableau tableau = DiscreteAdjoint.tableau(method, "Odeint: DISCRETE sensitivities on the tape");
        if (!method.adaptive() && Double.isNaN(options.fixedStep())) {
            throw new IllegalArgumentException(method + " is a fixed-step method: set the step with "
                    + "SolverOptions.withFixedStep(h)");
        }
        return new TensorRungeKutta(ode.field(), params, tableau, method.adaptive(), options, u0.dtype())
                .solve(u0, times, ode);
    }

    /**
     * The solve with {@link SensitivityMethod#DISCRETE_ADJOINT}'s reverse rule: the forward pass keeps the
     * stages, the pullback sweeps them backwards with the field's VJPs. Forward mode: the directional forward
     * sensitivities (the continuous derivative, as the adjoints' forward rule).
     */
    private static Tensor discreteAdjoint(TensorOde ode, Tensor u0, Tensor[] params, double[] times, Method method,
                                          SolverOptions withTimes) {
        double t0 = times[0];
        double t1 = times[times.length - 1];
        DiscreteAdjoint.tableau(method, "Odeint: DISCRETE_ADJOINT");
        // The forward solve (with its problem), kept for the reverse sweep.
        DiscreteAdjoint.Trajectory[] kept = new DiscreteAdjoint.Trajectory[1];
        ResidualField field = ode.residualField();
        Function<Tensor[], Tensor> solve = Functional.custom("odeint", xs -> {
            kept[0] = DiscreteAdjoint.forward(ode.problem(xs[0], rest(xs), t0, t1), method, withTimes, field);
            return stack(ode, kept[0].states(), xs[0]);
        }, (g, inputs, output) -> {
            // The kept forward solve serves one reverse sweep, which gives its stages back; another solves again.
            DiscreteAdjoint.Trajectory tr = kept[0] != null ? kept[0]
                    : DiscreteAdjoint.forward(ode.problem(inputs[0], rest(inputs), t0, t1), method, withTimes, field);
            kept[0] = null;
            Gradient grad = DiscreteAdjoint.gradient(tr.problem(), ode.derivatives(), tr, cotangents(g, ode, times),
                    null);
            Tensor[] out = new Tensor[inputs.length];
            out[0] = ode.state(grad.initialState()).to(inputs[0].dtype());
            Tensor[] dp = ode.parameterTensors(grad.parameters());
            for (int k = 0; k < dp.length; k++) {
                out[1 + k] = dp[k].to(inputs[1 + k].dtype());
            }
            return out;
        }, (inputs, tangents, output) -> {
            OdeProblem problem = ode.problem(inputs[0], rest(inputs), t0, t1);
            double[] vu = FlatValues.toDoubles(tangents[0]);
            double[] vp = ode.flattenParameters(rest(tangents));
            double[][] s = ForwardSensitivity.directional(problem, ode.derivatives(), method, withTimes, vu, vp);
            return stack(ode, s, inputs[0]);
        });
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u0;
        System.arraycopy(params, 0, xs, 1, params.length);
        return solve.apply(xs);
    }

    /** The cotangent {@code [T, ...state]} as one row per save time. */
    private static double[][] cotangents(Tensor g, TensorOde ode, double[] times) {
        double[] flat = FlatValues.toDoubles(g);
        int n = ode.stateSize();
        double[][] cotangents = new double[times.length][];
        for (int i = 0; i < times.length; i++) {
            cotangents[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
        }
        return cotangents;
    }

    private static Tensor[] rest(Tensor[] xs) {
        return Arrays.copyOfRange(xs, 1, xs.length);
    }

    /** Rows {@code states[i]} (flat, length n) as a tensor {@code [T, ...state shape]} of {@code like}'s dtype. */
    private static Tensor stack(TensorOde ode, double[][] states, Tensor like) {
        int n = ode.stateSize();
        double[] flat = new double[states.length * n];
        for (int i = 0; i < states.length; i++) {
            System.arraycopy(states[i], 0, flat, i * n, n);
        }
        int[] dims = new int[1 + ode.stateShape().rank()];
        dims[0] = states.length;
        System.arraycopy(ode.stateShape().dims(), 0, dims, 1, ode.stateShape().rank());
        return FlatValues.tensorOf(flat, dims, like.dtype());
    }
}

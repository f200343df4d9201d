package org.fluxion.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.Tensor;

/**
 * The three things the solvers ask of a {@link TensorField} — its value, its VJP
 * {@code lambda -> (lambda^T df/du, lambda^T df/dp_k...)} and its Jacobians {@code (df/du, df/dp_k...)} —
 * either eagerly (each call records and walks a fresh tape) or compiled with {@link Jit#jit} once per
 * signature (each call runs a plan: no tape, no per-operation dispatch), which is what makes a small
 * field's evaluations cost microseconds.
 */
final class FieldCalls {
    private final TensorField field;
    private final int paramCount;
    private final Jitted<List<Tensor>, Tensor> compiledValue;
    private final Jitted<List<Tensor>, List<Tensor>> compiledVjp;
    private final Jitted<List<Tensor>, List<Tensor>> compiledJacobians;
    private final Jitted<List<Tensor>, Tensor> compiledStateJacobian;
    private final Jitted<List<Tensor>, Tensor> compiledJvp;

    FieldCalls(TensorField field, int paramCount, boolean compiled) {
        this.field = field;
        this.paramCount = paramCount;
        if (compiled) {
            compiledValue = Jit.jit(in -> field.apply(in.get(0), in.get(1), params(in)));
            compiledVjp = Jit.jit(in -> List.of(eagerVjp(in.get(0), in.get(1), params(in), in.get(2 + paramCount))));
            compiledJacobians = Jit.jit(in -> List.of(eagerJacobians(in.get(0), in.get(1), params(in))));
            compiledStateJacobian = Jit.jit(in -> eagerStateJacobian(in.get(0), in.get(1), params(in)));
            compiledJvp = Jit.jit(in -> eagerJvp(in.get(0), in.get(1), params(in),
                    in.subList(2 + paramCount, in.size()).toArray(Tensor[]::new)));
        } else {
            compiledStateJacobian = null;
            compiledJvp = null;
            compiledValue = null;
            compiledVjp = null;
            compiledJacobians = null;
        }
    }

    private Tensor[] params(List<Tensor> in) {
        return in.subList(2, 2 + paramCount).toArray(Tensor[]::new);
    }

    private static List<Tensor> args(Tensor u, Tensor t, Tensor[] params, Tensor extra) {
        List<Tensor> in = new ArrayList<>(params.length + 3);
        in.add(u);
        in.add(t);
        in.addAll(Arrays.asList(params));
        if (extra != null) {
            in.add(extra);
        }
        return in;
    }

    /** {@code f(u, t, params)}, not recorded. */
    Tensor value(Tensor u, Tensor t, Tensor[] params) {
        if (compiledValue != null) {
            return compiledValue.apply(args(u, t, params, null));
        }
        try (var mode = GradMode.noGrad()) {
            return field.apply(u, t, params);
        }
    }

    /** {@code (lambda^T df/du, lambda^T df/dp_0, ...)}, each of its argument's shape. */
    Tensor[] vjp(Tensor u, Tensor t, Tensor[] params, Tensor lambda) {
        if (compiledVjp != null) {
            return compiledVjp.apply(args(u, t, params, lambda)).toArray(Tensor[]::new);
        }
        return eagerVjp(u, t, params, lambda);
    }

    /** {@code (df/du, df/dp_0, ...)}, each of shape {@code u.shape + argument.shape}. */
    Tensor[] jacobians(Tensor u, Tensor t, Tensor[] params) {
        if (compiledJacobians != null) {
            return compiledJacobians.apply(args(u, t, params, null)).toArray(Tensor[]::new);
        }
        return eagerJacobians(u, t, params);
    }

    /** {@code df/du}, of shape {@code u.shape + u.shape}. */
    Tensor stateJacobian(Tensor u, Tensor t, Tensor[] params) {
        if (compiledStateJacobian != null) {
            return compiledStateJacobian.apply(args(u, t, params, null));
        }
        return eagerStateJacobian(u, t, params);
    }

    /** {@code (df/du) tangents[0] + sum_k (df/dp_k) tangents[1 + k]}, of {@code u}'s shape. */
    Tensor jvp(Tensor u, Tensor t, Tensor[] params, Tensor[] tangents) {
        if (compiledJvp != null) {
            List<Tensor> in = args(u, t, params, null);
            in.addAll(Arrays.asList(tangents));
            return compiledJvp.apply(in);
        }
        return eagerJvp(u, t, params, tangents);
    }

    private Tensor eagerJvp(Tensor u, Tensor t, Tensor[] params, Tensor[] tangents) {
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u;
        System.arraycopy(params, 0, xs, 1, params.length);
        return Functional.jvp(ys -> field.apply(ys[0], t, Arrays.copyOfRange(ys, 1, ys.length)), xs, tangents)
                .tangent();
    }

    private Tensor eagerStateJacobian(Tensor u, Tensor t, Tensor[] params) {
        return Functional.jacfwd((Function<Tensor, Tensor>) x -> field.apply(x, t, params)).apply(u);
    }

    private Tensor[] eagerVjp(Tensor u, Tensor t, Tensor[] params, Tensor lambda) {
        Tensor[] all = eagerValueAndVjp(u, t, params, lambda);
        return Arrays.copyOfRange(all, 1, all.length);
    }

    /** {@code (f(u, t, params), lambda^T df/du, lambda^T df/dp_0, ...)}. */
    private Tensor[] eagerValueAndVjp(Tensor u, Tensor t, Tensor[] params, Tensor lambda) {
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u;
        System.arraycopy(params, 0, xs, 1, params.length);
        var r = Functional.vjp(ys -> field.apply(ys[0], t, Arrays.copyOfRange(ys, 1, ys.length)), xs);
        Tensor[] cts = r.pullback().apply(lambda);
        Tensor[] out = new Tensor[1 + cts.length];
        out[0] = r.value();
        for (int k = 0; k < cts.length; k++) {
            out[1 + k] = cts[k] != null ? cts[k] : Tensor.zeros(xs[k].dtype(), xs[k].dims());
        }
        return out;
    }

    /**
     * The field's value and VJP compiled as a {@link SplitVjp} for arguments like {@code (u, t, params)}: its
     * backward takes {@code (u, t, params, lambda, residuals)} and returns the cotangents of u and each parameter.
     */
    SplitVjp split(Tensor u, Tensor t, Tensor[] params) {
        List<Tensor> example = args(u, t, params, Tensor.zeros(u.dtype(), u.dims()));
        return new SplitVjp(in -> List.of(eagerValueAndVjp(in.get(0), in.get(1), params(in), in.get(2 + paramCount))),
                example);
    }

    private Tensor[] eagerJacobians(Tensor u, Tensor t, Tensor[] params) {
        Tensor[] xs = new Tensor[1 + params.length];
        xs[0] = u;
        System.arraycopy(params, 0, xs, 1, params.length);
        return Functional.jacfwd((Function<Tensor[], Tensor>) ys -> field.apply(ys[0], t,
                Arrays.copyOfRange(ys, 1, ys.length))).apply(xs);
    }
}

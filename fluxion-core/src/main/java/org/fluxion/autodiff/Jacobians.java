package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.ops.Ops;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.tensor.Tensor;

/**
 * The engines behind {@link Functional}'s {@code jvp}, {@code jacobian}, {@code jacfwd}, {@code hessian} and
 * {@code hvp}: each is written once, for a function of several tensors with several outputs
 * ({@code Tensor[] -> Tensor[]}); a function of one tensor is the case of one input and one output, and a
 * function of a tree is reached by flattening its argument and its result ({@link TreeFunction}).
 */
final class Jacobians {
    private Jacobians() {
    }

    /** The outputs of a function and their tangents, in the same order. */
    record Outputs(Tensor[] values, Tensor[] tangents) {
    }

    /**
     * Forward mode: {@code (f(primals), J_f(primals) . tangents)} for every output. The tangents travel with
     * the values (dual tensors) on a new forward level, so nested {@code jvp} calls do not mix. A null tangent
     * means "this argument is held constant"; an output that does not depend on the tangents gets zeros.
     */
    static Outputs jvp(Function<Tensor[], Tensor[]> f, Tensor[] primals, Tensor[] tangents) {
        if (primals.length != tangents.length) {
            throw new IllegalArgumentException("jvp: " + primals.length + " primals but " + tangents.length + " tangents");
        }
        AutodiffState state = AutodiffState.current();
        ForwardLevel level = new ForwardLevel();
        int savedVisible = state.visible;
        state.levels.add(level);
        state.visible = state.levels.size();
        try {
            Tensor[] duals = new Tensor[primals.length];
            for (int i = 0; i < primals.length; i++) {
                Tensor p = primals[i];
                Tensor t = tangents[i];
                if (t != null && !t.shape().equals(p.shape())) {
                    throw new IllegalArgumentException("jvp: tangent " + i + " has shape " + t.shape()
                            + " but its primal has shape " + p.shape() + "; they must be equal");
                }
                // A fresh alias (a differentiable view) so that the tangent is attached to no user tensor.
                duals[i] = Ops.bind(new Reshape(p.shape()), p);
                if (t != null && p.dtype().isFloatingPoint()) {
                    Dispatch.attachTangent(duals[i], level, t.to(p.dtype()));
                }
            }
            Tensor[] ys = Functional.call(f, duals);
            Tensor[] out = new Tensor[ys.length];
            for (int o = 0; o < ys.length; o++) {
                AutogradMeta m = AutogradMeta.of(ys[o]);
                Tensor tangent = m == null ? null : m.tangentAt(level);
                out[o] = tangent != null ? tangent : Tensor.zeros(ys[o].dtype(), ys[o].dims());
            }
            return new Outputs(ys, out);
        } finally {
            state.levels.removeLast();
            state.visible = savedVisible;
        }
    }

    /**
     * Reverse mode: {@code J[o][k] = d ys[o] / d xs[which[k]]} of shape {@code ys[o].shape + xs[which[k]].shape},
     * one backward pass per output element (with the unit cotangents), sharing one recorded graph.
     */
    static Tensor[][] reverse(Function<Tensor[], Tensor[]> f, Tensor[] xs, int[] which) {
        Tensor[] args = xs.clone();
        Tensor[] inputs = new Tensor[which.length];
        for (int k = 0; k < which.length; k++) {
            args[which[k]] = Functional.asGradInput(xs[which[k]]);
            inputs[k] = args[which[k]];
        }
        Tensor[] ys = Functional.call(f, args);
        Tensor[][] jac = new Tensor[ys.length][which.length];
        for (int o = 0; o < ys.length; o++) {
            Autograd.requireFloatingPoint("jacobian", "function's output " + ys[o].type(), ys[o]);
            List<List<Tensor>> rows = lists(which.length);
            for (int j = 0; j < ys[o].size(); j++) {
                Tensor[] g = Functional.gradients(ys[o], inputs, unit(ys[o], j), xs, true);
                for (int k = 0; k < which.length; k++) {
                    rows.get(k).add(g[k].reshape(-1));
                }
            }
            for (int k = 0; k < which.length; k++) {
                jac[o][k] = assemble(rows.get(k), 0, ys[o], xs[which[k]]);
            }
        }
        return jac;
    }

    /**
     * Forward mode: the same {@code J[o][k]} as {@link #reverse}, one JVP per element of the chosen inputs
     * (with the unit tangents, the other arguments held constant). Cheaper when inputs are fewer than outputs.
     */
    static Tensor[][] forward(Function<Tensor[], Tensor[]> f, Tensor[] xs, int[] which) {
        Tensor[] ys = null;
        List<List<List<Tensor>>> columns = new ArrayList<>(); // [o][k] -> columns
        for (int k = 0; k < which.length; k++) {
            Tensor x = xs[which[k]];
            for (int j = 0; j < x.size(); j++) {
                Tensor[] tangents = new Tensor[xs.length];
                tangents[which[k]] = unit(x, j);
                Outputs r = jvp(f, xs, tangents);
                if (ys == null) {
                    ys = r.values();
                    for (int o = 0; o < ys.length; o++) {
                        Autograd.requireFloatingPoint("jacfwd", "function's output " + ys[o].type(), ys[o]);
                        columns.add(lists(which.length));
                    }
                }
                for (int o = 0; o < ys.length; o++) {
                    columns.get(o).get(k).add(r.tangents()[o].reshape(-1));
                }
            }
        }
        if (ys == null) { // no chosen input has an element: f still gives the output shapes
            ys = Functional.call(f, xs);
            for (int o = 0; o < ys.length; o++) {
                columns.add(lists(which.length));
            }
        }
        Tensor[][] jac = new Tensor[ys.length][which.length];
        for (int o = 0; o < ys.length; o++) {
            for (int k = 0; k < which.length; k++) {
                jac[o][k] = assemble(columns.get(o).get(k), 1, ys[o], xs[which[k]]);
            }
        }
        return jac;
    }

    /**
     * The Hessian blocks {@code H[a][b] = d^2 f / d xs[which[a]] d xs[which[b]]} of a scalar function, of
     * shape {@code xs[which[a]].shape + xs[which[b]].shape}: forward over reverse.
     */
    static Tensor[][] hessian(Function<Tensor[], Tensor> f, Tensor[] xs, int[] which) {
        return forward(ys -> Functional.valueAndGrad(f, which).apply(ys).grads(), xs, which);
    }

    /** {@code H(xs) vs}, one block row per argument: the JVP of the gradient (forward over reverse). */
    static Tensor[] hvp(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor[] vs) {
        return jvp(ys -> Functional.valueAndGrad(f).apply(ys).grads(), xs, vs).tangents();
    }

    /**
     * A function of a tree seen as a function of its leaves: flattens its argument with the structure given
     * and its result (a tensor or a tree) into leaves, remembering the result's structure.
     */
    static final class TreeFunction<T> implements Function<Tensor[], Tensor[]> {
        private final Function<T, ?> f;
        private final TreeDef in;
        private TreeDef out;

        TreeFunction(Function<T, ?> f, TreeDef in) {
            this.f = f;
            this.in = in;
        }

        @Override
        public Tensor[] apply(Tensor[] leaves) {
            Tree.Flat r = Tree.flatten(f.apply(in.unflatten(List.of(leaves))));
            out = r.def();
            return r.leaves().toArray(Tensor[]::new);
        }

        /** The structure of the last result (after at least one call). */
        TreeDef out() {
            return out;
        }
    }

    /**
     * The Jacobian of a function of a tree, as JAX gives it: a tree of the output's structure whose every leaf
     * is a tree of the input's structure holding the block {@code out_leaf.shape + in_leaf.shape}.
     */
    static Object treeJacobian(Function<?, ?> f, Object x, boolean forwardMode) {
        Tree.Flat in = Tree.flatten(x);
        @SuppressWarnings({"unchecked", "rawtypes"})
        TreeFunction<Object> flat = new TreeFunction<>((Function) f, in.def());
        Tensor[] xs = in.leaves().toArray(Tensor[]::new);
        int[] all = Functional.range(xs.length);
        Tensor[][] jac = forwardMode ? forward(flat, xs, all) : reverse(flat, xs, all);
        List<Object> blocks = new ArrayList<>(jac.length);
        for (Tensor[] row : jac) {
            blocks.add(in.def().unflattenObjects(List.of(row)));
        }
        return flat.out().unflattenObjects(blocks);
    }

    private static List<List<Tensor>> lists(int n) {
        List<List<Tensor>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static Tensor unit(Tensor like, int index) {
        double[] e = new double[like.size()];
        e[index] = 1;
        return Tensor.of(e, like.dims()).to(like.dtype());
    }

    /** Stacks flattened rows (axis 0) or columns (axis 1) into {@code y.shape + x.shape}. */
    private static Tensor assemble(List<Tensor> parts, int axis, Tensor y, Tensor x) {
        int[] dims = new int[y.rank() + x.rank()];
        System.arraycopy(y.dims(), 0, dims, 0, y.rank());
        System.arraycopy(x.dims(), 0, dims, y.rank(), x.rank());
        if (parts.isEmpty()) {
            return Tensor.zeros(y.dtype(), dims);
        }
        return Tensor.stack(axis, parts).reshape(dims);
    }
}

package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.ops.Ops;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.tensor.Tensor;

/**
 * Function transforms in the style of JAX and HIPS autograd, built on the eager engine: {@link #grad},
 * {@link #valueAndGrad}, {@link #vjp}, {@link #jvp}, {@link #jacobian} (reverse), {@link #jacfwd}
 * (forward), {@link #hessian}, {@link #hvp} and {@link #stopGradient}. They compose:
 * {@code grad(grad(f))} works because, inside another transform, gradients are computed with
 * {@code createGraph} (the rules' own operations are recorded); {@code jvp(grad(f))} works because the
 * reverse rules' operations carry forward-mode tangents like any other.
 *
 * <p>The functions may use any Java control flow: only the operations that ran are differentiated.
 *
 * <p>Functions of nested parameter containers use the {@code tree*} forms ({@link #treeGrad},
 * {@link #treeValueAndGrad}, {@link #treeVjp}, {@link #treeJvp}; see {@link Tree}); a function gets its
 * own derivative rules with {@link #custom}.
 */
public final class Functional {
    private Functional() {
    }

    /** Nesting depth of transforms evaluating a user function on this thread. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** The value and the gradient of a scalar function. */
    public record ValueAndGrad(Tensor value, Tensor grad) {
    }

    /** The value and the gradients with respect to the chosen arguments. */
    public record ValueAndGrads(Tensor value, Tensor[] grads) {
    }

    /** The value of a function and its pullback {@code cotangent -> cotangents of the inputs}. */
    public record VjpResult(Tensor value, Function<Tensor, Tensor[]> pullback) {
    }

    /** The value of a function and the directional derivative (tangent) of its output. */
    public record JvpResult(Tensor value, Tensor tangent) {
    }

    /** {@code x -> d f / d x} for a function with a one-element output. */
    public static Function<Tensor, Tensor> grad(Function<Tensor, Tensor> f) {
        return x -> valueAndGrad(f).apply(x).grad();
    }

    /** {@code x -> (f(x), d f / d x)} for a function with a one-element output. */
    public static Function<Tensor, ValueAndGrad> valueAndGrad(Function<Tensor, Tensor> f) {
        return x -> {
            ValueAndGrads r = valueAndGrad(xs -> f.apply(xs[0]), 0).apply(new Tensor[] {x});
            return new ValueAndGrad(r.value(), r.grads()[0]);
        };
    }

    /**
     * {@code xs -> (f(xs), gradients with respect to xs[argnums])} for a function of several tensors with a
     * one-element output; no argnums means all arguments.
     */
    public static Function<Tensor[], ValueAndGrads> valueAndGrad(Function<Tensor[], Tensor> f, int... argnums) {
        return xs -> {
            int[] which = argnums.length == 0 ? range(xs.length) : argnums;
            Tensor[] args = xs.clone();
            for (int i : which) {
                args[i] = asGradInput(xs[i]);
            }
            Tensor y = call(f, args);
            Autograd.requireFloatingPoint("grad", "function's output " + y.type(), y);
            if (y.size() != 1) {
                throw new IllegalArgumentException("grad: the function must return a single element, got shape "
                        + y.shape() + " (use vjp or jacobian for other outputs, or reduce with sum())");
            }
            Tensor[] inputs = new Tensor[which.length];
            for (int k = 0; k < which.length; k++) {
                inputs[k] = args[which[k]];
            }
            return new ValueAndGrads(y, gradients(y, inputs, null, xs, false));
        };
    }

    /** Evaluates {@code f} at {@code x} and returns the value with its pullback (callable many times). */
    public static VjpResult vjp(Function<Tensor, Tensor> f, Tensor x) {
        VjpResult r = vjp(xs -> f.apply(xs[0]), new Tensor[] {x});
        return new VjpResult(r.value(), r.pullback());
    }

    /** Evaluates {@code f} at {@code xs}; the pullback returns one cotangent per argument. */
    public static VjpResult vjp(Function<Tensor[], Tensor> f, Tensor[] xs) {
        Tensor[] args = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            args[i] = asGradInput(xs[i]);
        }
        Tensor y = call(f, args);
        Autograd.requireFloatingPoint("vjp", "function's output " + y.type(), y);
        return new VjpResult(y, g -> gradients(y, args, g, xs, true));
    }

    /**
     * Forward mode: {@code (f(primals), J_f(primals) . tangents)}. The tangents travel with the values
     * (dual tensors) on a new forward level, so nested {@code jvp} calls do not mix. An integer or bool
     * output gets a zero tangent of its type (JAX's float0): jvp is often one step of a larger forward
     * computation, whereas {@link #jacfwd} and the reverse transforms refuse such an output.
     */
    public static JvpResult jvp(Function<Tensor[], Tensor> f, Tensor[] primals, Tensor[] tangents) {
        if (primals.length != tangents.length) {
            throw new IllegalArgumentException("jvp: " + primals.length + " primals but " + tangents.length + " tangents");
        }
        AutodiffState state = AutodiffState.current();
        ForwardLevel level = new ForwardLevel(state.levels.size());
        int savedVisible = state.visible;
        state.levels.add(level);
        state.visible = state.levels.size();
        try {
            Tensor[] duals = new Tensor[primals.length];
            for (int i = 0; i < primals.length; i++) {
                Tensor p = primals[i];
                Tensor t = tangents[i];
                if (!t.shape().equals(p.shape())) {
                    throw new IllegalArgumentException("jvp: tangent " + i + " has shape " + t.shape()
                            + " but its primal has shape " + p.shape() + "; they must be equal");
                }
                // A fresh alias (a differentiable view) so that the tangent is attached to no user tensor.
                duals[i] = Ops.bind(new Reshape(p.shape()), p);
                if (p.dtype().isFloatingPoint()) {
                    Dispatch.attachTangent(duals[i], level, t.to(p.dtype()));
                }
            }
            Tensor y = call(f, duals);
            AutogradMeta m = y.autogradMeta();
            Tensor tangent = m == null ? null : m.tangentAt(level);
            if (tangent == null) {
                tangent = Tensor.zeros(y.dtype(), y.dims());
            }
            return new JvpResult(y, tangent);
        } finally {
            level.active = false;
            state.levels.removeLast();
            state.visible = savedVisible;
        }
    }

    /** {@link #jvp} for a function of one tensor. */
    public static JvpResult jvp(Function<Tensor, Tensor> f, Tensor primal, Tensor tangent) {
        return jvp(xs -> f.apply(xs[0]), new Tensor[] {primal}, new Tensor[] {tangent});
    }

    /**
     * Reverse-mode Jacobian: {@code x -> J} of shape {@code f(x).shape + x.shape}, one VJP per output element
     * (with the unit cotangents).
     */
    public static Function<Tensor, Tensor> jacobian(Function<Tensor, Tensor> f) {
        return x -> {
            VjpResult r = vjp(f, x);
            Tensor y = r.value();
            List<Tensor> rows = new ArrayList<>(y.size());
            for (int j = 0; j < y.size(); j++) {
                rows.add(r.pullback().apply(unit(y, j))[0].reshape(-1));
            }
            return assemble(rows, 0, y, x);
        };
    }

    /**
     * Forward-mode Jacobian: {@code x -> J} of shape {@code f(x).shape + x.shape}, one JVP per input element
     * (with the unit tangents). Cheaper than {@link #jacobian} when inputs are fewer than outputs.
     */
    public static Function<Tensor, Tensor> jacfwd(Function<Tensor, Tensor> f) {
        return x -> {
            List<Tensor> columns = new ArrayList<>(x.size());
            Tensor y = null;
            for (int j = 0; j < x.size(); j++) {
                JvpResult r = jvp(f, x, unit(x, j));
                y = r.value();
                Autograd.requireFloatingPoint("jacfwd", "function's output " + y.type(), y);
                columns.add(r.tangent().reshape(-1));
            }
            if (y == null) {
                y = f.apply(x);
            }
            return assemble(columns, 1, y, x);
        };
    }

    /** The Hessian of a scalar function, {@code x.shape + x.shape}: forward over reverse. */
    public static Function<Tensor, Tensor> hessian(Function<Tensor, Tensor> f) {
        return jacfwd(grad(f));
    }

    /** The Hessian-vector product {@code H(x) v} of a scalar function, forward over reverse. */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return jvp(grad(f), x, v).tangent();
    }

    /** The same values with no derivative in any mode (JAX's stop_gradient). */
    public static Tensor stopGradient(Tensor x) {
        return x.detach();
    }

    // ---------------------------------------------------------------- custom rules

    /**
     * {@code f} with its own derivative rules (JAX's {@code custom_vjp}/{@code custom_jvp}): the returned
     * function computes {@code f} and, in reverse mode, calls {@code vjp(g, inputs, output)} instead of
     * differentiating {@code f}'s operations; in forward mode {@code jvp(inputs, tangents, output)}.
     * Either rule may be null (that mode then throws). Uses: a numerically stable derivative, clipping
     * or scaling the cotangent, the adjoint of an iterative solver by the implicit function theorem.
     *
     * <p>{@code f} must depend on its arguments only: it runs on detached copies with recording off,
     * so a tracked tensor it captures is a constant. Rules written with differentiable tensor
     * operations (on {@code inputs} and {@code output}) give higher-order derivatives; a rule
     * that reads raw values gives first order only.
     *
     * @param name used in error messages and as the node's name ({@link Autograd#gradFnName})
     */
    public static Function<Tensor[], Tensor> custom(String name, Function<Tensor[], Tensor> f, CustomRule.Vjp vjp,
                                                    CustomRule.Jvp jvp) {
        return xs -> CustomRule.apply(name, f, vjp, jvp, xs);
    }

    /** {@link #custom} with a VJP rule only (reverse mode). */
    public static Function<Tensor[], Tensor> customVjp(String name, Function<Tensor[], Tensor> f, CustomRule.Vjp vjp) {
        return custom(name, f, vjp, null);
    }

    /** {@link #custom} with a JVP rule only (forward mode). */
    public static Function<Tensor[], Tensor> customJvp(String name, Function<Tensor[], Tensor> f, CustomRule.Jvp jvp) {
        return custom(name, f, null, jvp);
    }

    // ---------------------------------------------------------------- pytrees (see Tree)

    /** The value of a scalar function of a tree and its gradient, a tree of the argument's structure. */
    public record TreeValueAndGrad<T>(Tensor value, T grad) {
    }

    /** The value and, at each chosen argument's index, that argument's gradient tree (null elsewhere). */
    public record TreeValueAndGrads(Tensor value, Object[] grads) {
    }

    /** The value of a function of a tree and its pullback {@code cotangent -> gradient tree}. */
    public record TreeVjpResult<T>(Tensor value, Function<Tensor, T> pullback) {
    }

    /**
     * {@code params -> d f / d params} for a scalar function of a tree of tensors (lists, maps, records,
     * arrays: {@link Tree}); the gradient has the structure of {@code params}, e.g. a map
     * {@code {W1, b1, W2, b2}} gets the map {@code {dW1, db1, dW2, db2}}. Every leaf must be floating
     * point; pass data as a captured constant or through {@link #treeValueAndGrad(Function, int...)}.
     */
    public static <T> Function<T, T> treeGrad(Function<T, Tensor> f) {
        Function<T, TreeValueAndGrad<T>> vg = treeValueAndGrad(f);
        return params -> vg.apply(params).grad();
    }

    /** {@code params -> (f(params), d f / d params)}; see {@link #treeGrad}. */
    public static <T> Function<T, TreeValueAndGrad<T>> treeValueAndGrad(Function<T, Tensor> f) {
        return params -> {
            Tree.Flat flat = Tree.flatten(params);
            ValueAndGrads r = valueAndGrad((Tensor[] ls) -> f.apply(flat.def().unflatten(List.of(ls))))
                    .apply(flat.leaves().toArray(Tensor[]::new));
            return new TreeValueAndGrad<>(r.value(), flat.def().unflatten(List.of(r.grads())));
        };
    }

    /**
     * For a scalar function of several trees {@code f(args[0], args[1], ...)}: its value and the gradients
     * with respect to the arguments {@code argnums} (JAX's argnums; none means all). The other arguments
     * (data, labels, integer tensors) are passed through undifferentiated.
     */
    public static Function<Object[], TreeValueAndGrads> treeValueAndGrad(Function<Object[], Tensor> f,
                                                                         int... argnums) {
        return args -> {
            int[] which = argnums.length == 0 ? range(args.length) : argnums;
            Tree.Flat[] flats = new Tree.Flat[args.length];
            int[] start = new int[args.length + 1];
            for (int a = 0; a < args.length; a++) {
                flats[a] = Tree.flatten(args[a]);
                start[a + 1] = start[a] + flats[a].leaves().size();
            }
            Tensor[] leaves = new Tensor[start[args.length]];
            for (int a = 0; a < args.length; a++) {
                for (int k = 0; k < flats[a].leaves().size(); k++) {
                    leaves[start[a] + k] = flats[a].leaves().get(k);
                }
            }
            List<Integer> chosen = new ArrayList<>();
            for (int a : which) {
                if (a < 0 || a >= args.length) {
                    throw new IllegalArgumentException("grad: argnum " + a + " is out of range for "
                            + args.length + " arguments");
                }
                for (int k = start[a]; k < start[a + 1]; k++) {
                    chosen.add(k);
                }
            }
            Function<Tensor[], Tensor> flatF = ls -> {
                Object[] rebuilt = new Object[args.length];
                for (int a = 0; a < args.length; a++) {
                    rebuilt[a] = flats[a].def().unflatten(List.of(ls).subList(start[a], start[a + 1]));
                }
                return f.apply(rebuilt);
            };
            int[] leafNums = chosen.stream().mapToInt(Integer::intValue).toArray();
            // An argument without leaves still gets its (leafless) gradient tree.
            ValueAndGrads r = leafNums.length == 0 ? new ValueAndGrads(flatF.apply(leaves), new Tensor[0])
                    : valueAndGrad(flatF, leafNums).apply(leaves);
            Object[] grads = new Object[args.length];
            int next = 0;
            for (int a : which) {
                int n = start[a + 1] - start[a];
                grads[a] = flats[a].def().unflatten(List.of(r.grads()).subList(next, next + n));
                next += n;
            }
            return new TreeValueAndGrads(r.value(), grads);
        };
    }

    /** {@link #vjp} for a function of a tree: the pullback returns a gradient tree of the argument's structure. */
    public static <T> TreeVjpResult<T> treeVjp(Function<T, Tensor> f, T primal) {
        Tree.Flat flat = Tree.flatten(primal);
        VjpResult r = vjp((Tensor[] ls) -> f.apply(flat.def().unflatten(List.of(ls))),
                flat.leaves().toArray(Tensor[]::new));
        return new TreeVjpResult<>(r.value(), g -> flat.def().unflatten(List.of(r.pullback().apply(g))));
    }

    /**
     * {@link #jvp} for a function of a tree: {@code tangents} is a tree of the primals' structure.
     *
     * @throws IllegalArgumentException when the two trees differ in structure
     */
    public static <T> JvpResult treeJvp(Function<T, Tensor> f, T primals, T tangents) {
        Tree.Flat p = Tree.flatten(primals);
        Tree.Flat t = Tree.flatten(tangents);
        Tree.requireSameStructure("jvp", p.def(), t.def());
        return jvp((Tensor[] ls) -> f.apply(p.def().unflatten(List.of(ls))), p.leaves().toArray(Tensor[]::new),
                t.leaves().toArray(Tensor[]::new));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The tensor to differentiate with respect to: the argument itself when already tracked (it belongs to
     * an outer differentiation, which must see the dependence), else a fresh leaf over the same elements
     * that keeps the argument's forward tangents (for forward-over-reverse).
     */
    private static Tensor asGradInput(Tensor x) {
        if (Autograd.requiresGrad(x)) {
            return x;
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("grad: cannot differentiate with respect to a " + x.type()
                    + " tensor; only float32 and float64 tensors have gradients");
        }
        Tensor leaf = Autograd.detach(x);
        AutogradMeta m = Dispatch.meta(leaf);
        m.requiresGrad = true;
        AutogradMeta xm = x.autogradMeta();
        if (xm != null) {
            m.tangents = xm.tangents;
        }
        return leaf;
    }

    private static Tensor call(Function<Tensor[], Tensor> f, Tensor[] args) {
        int[] depth = DEPTH.get();
        depth[0]++;
        // Recording is needed to differentiate, whatever the caller's grad mode.
        try (var mode = GradMode.enableGrad()) {
            return f.apply(args);
        } finally {
            depth[0]--;
        }
    }

    /**
     * Gradients of {@code y} with respect to {@code inputs}. They are recorded (createGraph) when an outer
     * transform or an outer backward may differentiate them again: inside another transform, or when an
     * original argument or the cotangent is tracked.
     */
    private static Tensor[] gradients(Tensor y, Tensor[] inputs, Tensor cotangent, Tensor[] originals, boolean retain) {
        boolean create = DEPTH.get()[0] > 0 || (cotangent != null && Autograd.requiresGrad(cotangent));
        for (Tensor x : originals) {
            create |= Autograd.requiresGrad(x);
        }
        create &= GradMode.isEnabled();
        return Autograd.grad(y, inputs, cotangent, retain || create, create);
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

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}

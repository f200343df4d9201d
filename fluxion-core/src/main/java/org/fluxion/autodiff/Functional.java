package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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
 * <p>Every transform takes a function of one tensor, of several tensors ({@code Tensor[]}, with JAX's
 * argnums where it applies) or of a tree of nested parameter containers (the {@code tree*} forms:
 * {@link #treeGrad}, {@link #treeValueAndGrad}, {@link #treeVjp}, {@link #treeJvp}, {@link #treeJacobian},
 * {@link #treeJacfwd}, {@link #treeHessian}, {@link #treeHvp}; see {@link Tree}). The Jacobian engines,
 * written once for several inputs and outputs, are in (package-private) {@code Jacobians}. A function gets its own
 * derivative rules with {@link #custom}.
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

    /** The values of a function of several outputs and its pullback (one cotangent per output). */
    public record VjpNResult(Tensor[] values, Function<Tensor[], Tensor[]> pullback) {
    }

    /**
     * {@link #vjp} for a function of several outputs: the pullback takes one cotangent per output (of its
     * shape; null means zero) and returns one cotangent per argument, {@code sum_k J_k^T cotangents[k]}, from
     * one backward pass.
     */
    public static VjpNResult vjpN(Function<Tensor[], Tensor[]> f, Tensor[] xs) {
        Tensor[] args = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            args[i] = asGradInput(xs[i]);
        }
        Tensor[] ys = call(f, args);
        return new VjpNResult(ys, gs -> {
            if (gs.length != ys.length) {
                throw new IllegalArgumentException("vjp: " + gs.length + " cotangents for " + ys.length + " outputs");
            }
            return gradients(ys, args, gs, xs, true);
        });
    }

    /**
     * Forward mode: {@code (f(primals), J_f(primals) . tangents)}, with {@code tangents[i]} of the shape of
     * {@code primals[i]} and the tangent of the shape of the output. The tangents travel with the values
     * (dual tensors) on a new forward level, so nested {@code jvp} calls do not mix. For several outputs or
     * trees, see {@link #treeJvp}. An integer or bool output gets a zero tangent of its type (JAX's float0):
     * jvp is often one step of a larger forward computation, whereas {@link #jacfwd} and the reverse
     * transforms refuse such an output.
     */
    public static JvpResult jvp(Function<Tensor[], Tensor> f, Tensor[] primals, Tensor[] tangents) {
        Jacobians.Outputs r = Jacobians.jvp(xs -> new Tensor[] {f.apply(xs)}, primals, tangents);
        return new JvpResult(r.values()[0], r.tangents()[0]);
    }

    /** {@link #jvp} for a function of one tensor: the tangent has {@code x}'s shape, the result {@code f(x)}'s. */
    public static JvpResult jvp(Function<Tensor, Tensor> f, Tensor primal, Tensor tangent) {
        return jvp(xs -> f.apply(xs[0]), new Tensor[] {primal}, new Tensor[] {tangent});
    }

    /**
     * Reverse-mode Jacobian: {@code x -> J} of shape {@code f(x).shape + x.shape}, one VJP per output element
     * (with the unit cotangents).
     */
    public static Function<Tensor, Tensor> jacobian(Function<Tensor, Tensor> f) {
        return x -> Jacobians.reverse(xs -> new Tensor[] {f.apply(xs[0])}, new Tensor[] {x}, new int[] {0})[0][0];
    }

    /**
     * Reverse-mode Jacobians of a function of several tensors (JAX's {@code jacrev} with argnums):
     * {@code xs -> J} with {@code J[k]} of shape {@code f(xs).shape + xs[argnums[k]].shape}; no argnums means
     * all arguments (then {@code J[i]} belongs to {@code xs[i]}). One VJP per output element.
     */
    public static Function<Tensor[], Tensor[]> jacobian(Function<Tensor[], Tensor> f, int... argnums) {
        return xs -> Jacobians.reverse(ys -> new Tensor[] {f.apply(ys)}, xs, chosen(xs.length, argnums))[0];
    }

    /**
     * Forward-mode Jacobian: {@code x -> J} of shape {@code f(x).shape + x.shape}, one JVP per input element
     * (with the unit tangents). Cheaper than {@link #jacobian} when inputs are fewer than outputs.
     */
    public static Function<Tensor, Tensor> jacfwd(Function<Tensor, Tensor> f) {
        return x -> Jacobians.forward(xs -> new Tensor[] {f.apply(xs[0])}, new Tensor[] {x}, new int[] {0})[0][0];
    }

    /**
     * Forward-mode Jacobians of a function of several tensors: the same {@code J[k]} of shape
     * {@code f(xs).shape + xs[argnums[k]].shape} as {@link #jacobian(Function, int...)}, one JVP per element
     * of the chosen arguments (the others held constant).
     */
    public static Function<Tensor[], Tensor[]> jacfwd(Function<Tensor[], Tensor> f, int... argnums) {
        return xs -> Jacobians.forward(ys -> new Tensor[] {f.apply(ys)}, xs, chosen(xs.length, argnums))[0];
    }

    /** The Hessian of a scalar function, {@code x.shape + x.shape}: forward over reverse. */
    public static Function<Tensor, Tensor> hessian(Function<Tensor, Tensor> f) {
        return x -> Jacobians.hessian(xs -> f.apply(xs[0]), new Tensor[] {x}, new int[] {0})[0][0];
    }

    /**
     * The Hessian blocks of a scalar function of several tensors: {@code xs -> H} with
     * {@code H[a][b] = d^2 f / d xs[argnums[a]] d xs[argnums[b]]} of shape
     * {@code xs[argnums[a]].shape + xs[argnums[b]].shape} (no argnums: all arguments). Forward over reverse.
     */
    public static Function<Tensor[], Tensor[][]> hessian(Function<Tensor[], Tensor> f, int... argnums) {
        return xs -> Jacobians.hessian(f, xs, chosen(xs.length, argnums));
    }

    /** The Hessian-vector product {@code H(x) v} of a scalar function, of {@code x}'s shape; forward over reverse. */
    public static Tensor hvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return Jacobians.hvp(xs -> f.apply(xs[0]), new Tensor[] {x}, new Tensor[] {v})[0];
    }

    /**
     * The Hessian-vector product of a scalar function of several tensors: {@code r[a] = sum_b H[a][b] vs[b]},
     * with {@code vs[b]} and {@code r[b]} of {@code xs[b]}'s shape; forward over reverse.
     */
    public static Tensor[] hvp(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor[] vs) {
        return Jacobians.hvp(f, xs, vs);
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

    /** The value of a function of a tree and its tangent, both trees of the output's structure. */
    public record TreeJvpResult<R>(R value, R tangent) {
    }

    /**
     * {@link #jvp} for a function of a tree with a tensor or a tree as result (JAX's {@code jvp(f, primals,
     * tangents)}, where a tuple of arguments is a {@code List} or a {@code Tensor[]}): {@code tangents} is a
     * tree of the primals' structure with, leaf by leaf, the primal's shape; the result's value and tangent
     * have the output's structure.
     *
     * @throws IllegalArgumentException naming the path where the tangent tree differs from the primal tree, in
     *                                  structure or in shape (with both)
     */
    public static <T, R> TreeJvpResult<R> treeJvp(Function<T, R> f, T primals, T tangents) {
        Tree.Flat p = Tree.flatten(primals);
        Tree.Flat t = Tree.flatten(tangents);
        Tree.requireSameShapes("jvp", "primal", p, "tangent", t);
        Jacobians.TreeFunction<T> flat = new Jacobians.TreeFunction<>(f, p.def());
        Jacobians.Outputs r = Jacobians.jvp(flat, p.leaves().toArray(Tensor[]::new), t.leaves().toArray(Tensor[]::new));
        return new TreeJvpResult<>(flat.out().unflatten(List.of(r.values())),
                flat.out().unflatten(List.of(r.tangents())));
    }

    /**
     * Reverse-mode Jacobian of a function of a tree (JAX's {@code jacrev}): {@code x -> J}, a tree of the
     * output's structure whose every leaf is a tree of the input's structure holding the block
     * {@code d out_leaf / d in_leaf} of shape {@code out_leaf.shape + in_leaf.shape}. For a tensor output
     * {@code J} has the input's structure; for a tensor input, the output's. (An output array whose leaves
     * become trees is an {@code Object[]}; an output record whose typed components cannot hold trees is a
     * map from component name, as {@link TreeDef#unflattenObjects} says.)
     */
    public static <T> Function<T, Object> treeJacobian(Function<T, ?> f) {
        return x -> Jacobians.treeJacobian(f, x, false);
    }

    /** {@link #treeJacobian} by forward mode, one JVP per input element (JAX's {@code jacfwd}). */
    public static <T> Function<T, Object> treeJacfwd(Function<T, ?> f) {
        return x -> Jacobians.treeJacobian(f, x, true);
    }

    /**
     * The Hessian of a scalar function of a tree, by blocks: a tree of the input's structure whose leaf at
     * path {@code a} is a tree of the input's structure whose leaf at path {@code b} is
     * {@code d^2 f / d x_a d x_b} of shape {@code x_a.shape + x_b.shape} (the outer level of a record
     * input is a map from component name: see {@link #treeJacobian}). Forward over reverse.
     */
    public static <T> Function<T, Object> treeHessian(Function<T, Tensor> f) {
        return treeJacfwd(treeGrad(f));
    }

    /**
     * The Hessian-vector product of a scalar function of a tree: {@code vectors} has the primals' structure
     * and shapes, and so has the result {@code H(primals) vectors}. Forward over reverse.
     *
     * @throws IllegalArgumentException naming the path where the vector tree differs from the primal tree
     */
    public static <T> T treeHvp(Function<T, Tensor> f, T primals, T vectors) {
        Tree.Flat p = Tree.flatten(primals);
        Tree.Flat v = Tree.flatten(vectors);
        Tree.requireSameShapes("hvp", "primal", p, "vector", v);
        Tensor[] r = Jacobians.hvp(ls -> f.apply(p.def().unflatten(List.of(ls))),
                p.leaves().toArray(Tensor[]::new), v.leaves().toArray(Tensor[]::new));
        return p.def().unflatten(List.of(r));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The tensor to differentiate with respect to: the argument itself when already tracked (it belongs to
     * an outer differentiation, which must see the dependence), else a fresh leaf over the same elements
     * that keeps the argument's forward tangents (for forward-over-reverse).
     */
    static Tensor asGradInput(Tensor x) {
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
        AutogradMeta xm = AutogradMeta.of(x);
        if (xm != null) {
            m.tangents = xm.tangents;
        }
        return leaf;
    }

    static <R> R call(Function<Tensor[], R> f, Tensor[] args) {
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
    static Tensor[] gradients(Tensor y, Tensor[] inputs, Tensor cotangent, Tensor[] originals, boolean retain) {
        boolean create = recordGradients(new Tensor[] {cotangent}, originals);
        return Autograd.grad(y, inputs, cotangent, retain || create, create);
    }

    /** {@link #gradients} of several outputs, each with its cotangent (null: zero). */
    static Tensor[] gradients(Tensor[] ys, Tensor[] inputs, Tensor[] cotangents, Tensor[] originals, boolean retain) {
        boolean create = recordGradients(cotangents, originals);
        return Autograd.grad(ys, cotangents, inputs, retain || create, create);
    }

    private static boolean recordGradients(Tensor[] cotangents, Tensor[] originals) {
        boolean create = DEPTH.get()[0] > 0;
        for (Tensor c : cotangents) {
            create |= c != null && Autograd.requiresGrad(c);
        }
        for (Tensor x : originals) {
            create |= Autograd.requiresGrad(x);
        }
        return create && GradMode.isEnabled();
    }

    /** The chosen argument indices: argnums, checked, or all of them. */
    private static int[] chosen(int n, int[] argnums) {
        for (int a : argnums) {
            if (a < 0 || a >= n) {
                throw new IllegalArgumentException("argnum " + a + " is out of range for " + n + " arguments");
            }
        }
        return argnums.length == 0 ? range(n) : argnums;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}

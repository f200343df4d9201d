package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Structured, differentiable control flow (JAX's {@code lax.cond}, {@code while_loop}, {@code fori_loop}
 * and {@code scan}): branches and loops whose decisions depend on tensor <em>values</em>, which a
 * function compiled by {@link org.fluxion.jit.Jit#jit} cannot take with a Java {@code if} or loop.
 *
 * <p>Carries and operands are trees of tensors ({@link Tree}: a tensor, lists, maps, records). A loop
 * body must return carries of the structure, shapes and dtypes it received.
 *
 * <p><b>Eagerly</b> (no trace active) these are plain Java: {@code cond} runs one branch, the loops call
 * the user's functions in a Java loop. The tape then records every iteration, so reverse mode pulls
 * cotangents back through them (Zygote's per-iteration stack), and forward mode and higher orders work
 * as for any Java code.
 *
 * <p><b>Under {@code jit}</b> each user function is traced once into a nested graph, and the enclosing
 * graph gets one structured operation, printed e.g. {@code while[cond={ lambda ... } body={ lambda ... }]}.
 * Values of the enclosing function used inside become extra inputs of the operation. At run time the
 * operation runs its loop in Java over the compiled nested graphs; it is one primitive with an output per
 * carry ({@code Structured}). Its derivatives are runtime operations as well: reverse mode through a
 * {@code whileLoop} reruns the loop on a tape, keeping every iteration's values, and pulls the cotangents
 * back through them, which JAX refuses to do. {@code jit(grad(f))}, {@code grad(jit(f))}, {@code jvp} under
 * {@code jit} and higher orders all work. Integer carries (loop counters) get no derivative. Cost: reverse
 * mode reruns the loop once for all the outputs that received a cotangent, forward mode once for all
 * tangents; the loop keeps every iteration's values in memory during reverse mode, as eager reverse mode
 * does.
 */
public final class Control {
    private Control() {
    }

    /** What a {@link #scan} step returns: the next carry and this step's output {@code y}. */
    public record Step<C>(C carry, Tensor y) {
    }

    /** What {@link #scan} returns: the final carry and the steps' outputs stacked along a new axis 0. */
    public record ScanResult<C>(C carry, Tensor ys) {
    }

    // ---------------------------------------------------------------- cond

    /**
     * {@code pred ? onTrue(operands) : onFalse(operands)}.
     *
     * @param pred     a one-element tensor of any dtype (bool, or numeric: nonzero is true), any shape
     *                 with one element ({@code []}, {@code [1]}, ...)
     * @param operands a tree of tensors handed to the branch taken; the branches may return another kind
     *                 of tree than they receive ({@code R}), the same for both
     * @throws IllegalArgumentException when {@code pred} has more than one element, or (under jit, where
     *                                  both branches are traced) when the branches return different
     *                                  structures, shapes or dtypes
     */
    public static <T, R> R cond(Tensor pred, Function<T, R> onTrue, Function<T, R> onFalse, T operands) {
        checkPredicate("cond", pred);
        if (!pred.isTraced()) {
            // A concrete predicate (eagerly, or a constant while tracing) just picks the branch.
            return truth(pred) ? onTrue.apply(operands) : onFalse.apply(operands);
        }
        Tree.Flat flat = Tree.flatten(operands);
        TensorType[] types = types(flat.leaves());
        Subgraph yes = Subgraph.trace(types, args -> onTrue.apply(flat.def().unflatten(args)));
        Subgraph no = Subgraph.trace(types, args -> onFalse.apply(flat.def().unflatten(args)));
        if (!yes.resultDef.equals(no.resultDef) || !Arrays.equals(yes.resultTypes, no.resultTypes)) {
            throw new IllegalArgumentException("cond: both branches must return the same structure, shapes and "
                    + "dtypes, but onTrue returns " + describe(yes.resultDef, yes.resultTypes) + " and onFalse "
                    + "returns " + describe(no.resultDef, no.resultTypes));
        }
        int n = types.length;
        int ny = yes.captures.size();
        List<Tensor> operandList = new ArrayList<>();
        operandList.add(pred);
        operandList.addAll(flat.leaves());
        operandList.addAll(yes.captures);
        operandList.addAll(no.captures);
        Tensor[] ops = operandList.toArray(Tensor[]::new);
        if (yes.resultTypes.length == 0) {
            return yes.resultDef.unflatten(List.of()); // nothing to compute: the result holds no tensor
        }
        Structured op = new Structured("cond", types(operandList), yes.resultTypes, xs -> {
            boolean p = truth(xs[0]);
            Subgraph branch = p ? yes : no;
            Tensor[] args = concat(Arrays.copyOfRange(xs, 1, 1 + n),
                    p ? Arrays.copyOfRange(xs, 1 + n, 1 + n + ny) : Arrays.copyOfRange(xs, 1 + n + ny, xs.length));
            return branch.run(args);
        }, indent -> "then=" + yes.print(indent) + " else=" + no.print(indent));
        return yes.resultDef.unflatten(List.of(Ops.bindAll(op, ops)));
    }

    // ---------------------------------------------------------------- whileLoop

    /**
     * {@code c = init; while (condFn(c)) c = body(c); return c;}
     *
     * @param condFn returns a one-element tensor (bool, or numeric: nonzero is true)
     * @param body   returns carries of the structure, shapes and dtypes it received
     * @throws IllegalArgumentException when the condition is not a single element, or the body changes
     *                                  the carry's structure or a carry's shape or dtype (naming its index
     *                                  and both types)
     */
    public static <T> T whileLoop(Function<T, Tensor> condFn, Function<T, T> body, T init) {
        return loop("whileLoop", 0, condFn, body, init);
    }

    /** The while loop; {@code hidden} leading carries are the loop's own (fori's counter), not the user's. */
    private static <T> T loop(String op, int hidden, Function<T, Tensor> condFn, Function<T, T> body, T init) {
        Tree.Flat flat = Tree.flatten(init);
        TensorType[] types = types(flat.leaves());
        if (!Tracing.active()) {
            T c = init;
            while (truth(checkPredicate(op, condFn.apply(c)))) {
                c = body.apply(c);
                checkCarry(op, "the body", flat.def(), types, Tree.flatten(c), hidden);
            }
            return c;
        }
        Subgraph test = Subgraph.trace(types, args -> condFn.apply(flat.def().unflatten(args)));
        if (!(test.resultDef instanceof TreeDef.Leaf)) {
            throw new IllegalArgumentException(op + ": the condition must return one tensor, got "
                    + describe(test.resultDef, test.resultTypes));
        }
        checkPredicate(op, test.resultTypes[0]);
        Subgraph step = Subgraph.trace(types, args -> body.apply(flat.def().unflatten(args)));
        checkCarry(op, "the body", flat.def(), types, step.resultDef, step.resultTypes, hidden);
        int n = types.length;
        if (n == 0) {
            throw new IllegalArgumentException(op + ": the carry holds no tensor, so the loop could not change it");
        }
        int nc = test.captures.size();
        List<Tensor> operandList = new ArrayList<>(flat.leaves());
        operandList.addAll(test.captures);
        operandList.addAll(step.captures);
        Structured loop = new Structured("while", types(operandList), types, xs -> {
            Tensor[] testCaptures = Arrays.copyOfRange(xs, n, n + nc);
            Tensor[] stepCaptures = Arrays.copyOfRange(xs, n + nc, xs.length);
            Tensor[] c = Arrays.copyOf(xs, n);
            while (truth(test.run(concat(c, testCaptures))[0])) {
                c = step.run(concat(c, stepCaptures));
            }
            return c;
        }, indent -> "cond=" + test.print(indent) + " body=" + step.print(indent));
        return flat.def().unflatten(List.of(Ops.bindAll(loop, operandList.toArray(Tensor[]::new))));
    }

    // ---------------------------------------------------------------- fori

    /**
     * {@code c = init; for (i = lower; i < upper; i++) c = body(i, c); return c;} with {@code i} an int32
     * scalar tensor. Under jit it is a {@link #whileLoop} whose carry holds the counter.
     *
     * @throws IllegalArgumentException when the body changes the carry's structure, shapes or dtypes
     */
    public static <T> T fori(int lower, int upper, BiFunction<Tensor, T, T> body, T init) {
        if (!Tracing.active()) {
            Tree.Flat flat = Tree.flatten(init);
            TensorType[] types = types(flat.leaves());
            T c = init;
            for (int i = lower; i < upper; i++) {
                c = body.apply(Tensor.scalar(i, DType.INT32), c);
                checkCarry("fori", "the body", flat.def(), types, Tree.flatten(c), 0);
            }
            return c;
        }
        List<Object> start = List.of(Tensor.scalar(lower, DType.INT32), new Holder<>(init));
        List<Object> end = loop("fori", 1, c -> ((Tensor) c.get(0)).lt(upper), c -> {
            Tensor i = (Tensor) c.get(0);
            @SuppressWarnings("unchecked")
            T value = ((Holder<T>) c.get(1)).value();
            return List.of(i.add(1), new Holder<>(body.apply(i, value)));
        }, start);
        @SuppressWarnings("unchecked")
        T result = ((Holder<T>) end.get(1)).value();
        return result;
    }

    /** Wraps the user's carry in the counter's loop (a record, so that a list carry stays one child). */
    private record Holder<T>(T value) {
    }

    // ---------------------------------------------------------------- scan

    /**
     * Scans {@code f} over axis 0 of {@code xs} (JAX's {@code lax.scan}): {@code c = init; for t:
     * (c, y_t) = f(c, xs[t])}; returns the final carry and the {@code y_t} stacked along a new axis 0.
     *
     * @param xs of shape {@code [T, ...]}: {@code f} gets slices of shape {@code [...]}
     * @return the final carry and {@code ys} of shape {@code [T] + y.shape} (for {@code T = 0}, {@code f}
     *         is traced to find the shape of {@code y} and {@code ys} is empty)
     * @throws IllegalArgumentException when {@code xs} is a scalar, or {@code f} changes the carry's
     *                                  structure, shapes or dtypes, or returns {@code y}s of varying type
     */
    public static <C> ScanResult<C> scan(BiFunction<C, Tensor, Step<C>> f, C init, Tensor xs) {
        if (xs.rank() == 0) {
            throw new IllegalArgumentException("scan: xs must have an axis to scan over, got a scalar " + xs.type());
        }
        Tree.Flat flat = Tree.flatten(init);
        TensorType[] types = types(flat.leaves());
        int length = xs.dim(0);
        int n = types.length;
        TensorType xType = new TensorType(Shape.of(Arrays.copyOfRange(xs.dims(), 1, xs.rank())), xs.dtype());
        if (!Tracing.active() && length > 0) {
            C c = init;
            List<Tensor> ys = new ArrayList<>(length);
            // One split into T views, not T selects: under a tape, the split's VJP concatenates the T slice
            // cotangents in one copy, where T selects would each pad theirs to the shape of xs and sum them
            // (O(T^2) work and garbage).
            int[] ones = new int[length];
            Arrays.fill(ones, 1);
            List<Tensor> slices = xs.split(0, ones);
            int[] sliceDims = xType.shape().dims();
            for (int t = 0; t < length; t++) {
                Step<C> s = requireStep(f.apply(c, slices.get(t).reshape(sliceDims)));
                c = s.carry();
                checkCarry("scan", "f", flat.def(), types, Tree.flatten(c), 0);
                if (t > 0 && !s.y().type().equals(ys.getFirst().type())) {
                    throw new IllegalArgumentException("scan: f returned y of type " + s.y().type() + " at step " + t
                            + " but " + ys.getFirst().type() + " at step 0; every y must have the same shape and dtype");
                }
                ys.add(s.y());
            }
            return new ScanResult<>(c, Tensor.stack(0, ys));
        }
        TensorType[] argTypes = Arrays.copyOf(types, n + 1);
        argTypes[n] = xType;
        TreeDef[] carryDef = new TreeDef[1];
        Subgraph step = Subgraph.trace(argTypes, args -> {
            Step<C> s = requireStep(f.apply(flat.def().unflatten(args.subList(0, n)), args.get(n)));
            Tree.Flat out = Tree.flatten(s.carry());
            carryDef[0] = out.def();
            List<Tensor> leaves = new ArrayList<>(out.leaves());
            leaves.add(s.y());
            return leaves;
        });
        checkCarry("scan", "f", flat.def(), types, carryDef[0], Arrays.copyOf(step.resultTypes, n), 0);
        TensorType yType = step.resultTypes[n];
        int[] ysDims = new int[yType.shape().rank() + 1];
        ysDims[0] = length;
        System.arraycopy(yType.shape().dims(), 0, ysDims, 1, yType.shape().rank());
        TensorType ysType = new TensorType(Shape.of(ysDims), yType.dtype());
        TensorType[] outTypes = Arrays.copyOf(types, n + 1);
        outTypes[n] = ysType;
        Function<Tensor[], Tensor[]> run = xsAll -> {
            Tensor[] c = Arrays.copyOf(xsAll, n);
            Tensor seq = xsAll[n];
            Tensor[] captures = Arrays.copyOfRange(xsAll, n + 1, xsAll.length);
            List<Tensor> ys = new ArrayList<>(length);
            for (int t = 0; t < length; t++) {
                Tensor[] args = Arrays.copyOf(c, n + 1 + captures.length);
                args[n] = seq.select(0, t);
                System.arraycopy(captures, 0, args, n + 1, captures.length);
                Tensor[] out = step.run(args);
                c = Arrays.copyOf(out, n);
                ys.add(out[n]);
            }
            Tensor[] result = Arrays.copyOf(c, n + 1);
            result[n] = length == 0 ? Tensor.zeros(yType.dtype(), ysDims) : Tensor.stack(0, ys);
            return result;
        };
        List<Tensor> operandList = new ArrayList<>(flat.leaves());
        operandList.add(xs);
        operandList.addAll(step.captures);
        Tensor[] ops = operandList.toArray(Tensor[]::new);
        if (!Tracing.active()) {
            // Eager scan over zero steps: f was traced only to learn the type of y.
            Tensor[] out = run.apply(ops);
            return new ScanResult<>(flat.def().unflatten(List.of(out).subList(0, n)), out[n]);
        }
        Structured op = new Structured("scan", types(operandList), outTypes, run,
                indent -> "length=" + length + ", body=" + step.print(indent));
        List<Tensor> out = List.of(Ops.bindAll(op, ops));
        return new ScanResult<>(flat.def().unflatten(out.subList(0, n)), out.get(n));
    }

    private static <C> Step<C> requireStep(Step<C> s) {
        if (s == null || s.y() == null) {
            throw new IllegalArgumentException("scan: f must return a Step(carry, y) with a tensor y, got " + s);
        }
        return s;
    }

    // ---------------------------------------------------------------- helpers

    private static Tensor checkPredicate(String op, Tensor pred) {
        if (pred == null) {
            throw new IllegalArgumentException(op + ": the predicate is null");
        }
        checkPredicate(op, pred.type());
        return pred;
    }

    private static void checkPredicate(String op, TensorType type) {
        if (type.shape().size() != 1) {
            throw new IllegalArgumentException(op + ": the predicate must have exactly one element, got " + type
                    + " (reduce it, e.g. with sum(), max() or a comparison of a reduction)");
        }
    }

    private static boolean truth(Tensor pred) {
        return pred.item() != 0;
    }

    private static void checkCarry(String op, String who, TreeDef def, TensorType[] types, Tree.Flat out,
                                   int hidden) {
        checkCarry(op, who, def, types, out.def(), types(out.leaves()), hidden);
    }

    /**
     * The carry a body returned has the structure and the leaf types of the carry it received. Carry
     * indices in messages count the user's leaves: the {@code hidden} leading ones are the loop's own.
     */
    private static void checkCarry(String op, String who, TreeDef def, TensorType[] types, TreeDef outDef,
                                   TensorType[] outTypes, int hidden) {
        if (!def.equals(outDef)) {
            throw new IllegalArgumentException(op + ": " + who + " must return a carry of the structure it received, "
                    + describe(def, types) + ", but returned " + describe(outDef, outTypes));
        }
        for (int i = 0; i < types.length; i++) {
            if (!types[i].equals(outTypes[i])) {
                throw new IllegalArgumentException(op + ": " + who + " changed carry " + (i - hidden) + " from " + types[i]
                        + " to " + outTypes[i] + "; a loop carry must keep its shape and dtype");
            }
        }
    }

    private static TensorType[] types(List<Tensor> leaves) {
        TensorType[] t = new TensorType[leaves.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = leaves.get(i).type();
        }
        return t;
    }

    private static Tensor[] concat(Tensor[] a, Tensor[] b) {
        Tensor[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A tree's structure with its leaves' types, e.g. {@code [float64[3], {h=float32[2]}]}. */
    static String describe(TreeDef def, TensorType[] types) {
        StringBuilder s = new StringBuilder();
        describe(def, types, new int[1], s);
        return s.toString();
    }

    private static void describe(TreeDef def, TensorType[] types, int[] next, StringBuilder s) {
        switch (def) {
            case TreeDef.Leaf l -> s.append(types[next[0]++]);
            case TreeDef.Constant c -> s.append(c.value());
            case TreeDef.ListNode l -> children(l.children(), null, "[", "]", types, next, s);
            case TreeDef.ArrayNode a -> children(a.children(), null, "[", "]", types, next, s);
            case TreeDef.MapNode m -> children(m.children(), m.keys(), "{", "}", types, next, s);
            case TreeDef.RecordNode r -> {
                List<Object> names = new ArrayList<>();
                for (var c : r.type().getRecordComponents()) {
                    names.add(c.getName());
                }
                children(r.children(), names, r.type().getSimpleName() + "(", ")", types, next, s);
            }
        }
    }

    private static void children(List<TreeDef> children, List<Object> names, String open, String close,
                                 TensorType[] types, int[] next, StringBuilder s) {
        StringJoiner j = new StringJoiner(", ", open, close);
        for (int i = 0; i < children.size(); i++) {
            StringBuilder c = new StringBuilder();
            if (names != null) {
                c.append(names.get(i)).append('=');
            }
            describe(children.get(i), types, next, c);
            j.add(c);
        }
        s.append(j);
    }
}

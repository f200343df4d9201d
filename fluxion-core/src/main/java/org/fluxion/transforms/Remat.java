package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.autodiff.Tree;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Printer;
import org.fluxion.jit.ir.Trace;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.ops.Levels;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Gradient checkpointing (rematerialization), JAX's {@code jax.checkpoint} / PyTorch's
 * {@code torch.utils.checkpoint}: {@code checkpoint(f)} computes what {@code f} computes, but reverse mode
 * keeps none of {@code f}'s intermediates; the backward pass computes them again from {@code f}'s inputs.
 * Memory for compute: a block of a deep network checkpointed this way costs one extra forward pass of the
 * block in backward, and the tape holds only the block's inputs (one node for the whole block) instead of
 * every activation inside it.
 *
 * <p><b>How.</b> On each call {@code f} is traced on abstract tensors (as {@link org.fluxion.jit.Jit#jit} traces) into a
 * forward graph, which becomes one primitive of the rule table:
 * <ul>
 *   <li>its kernel runs the forward graph with recording off (so nothing of {@code f} is taped);</li>
 *   <li>its VJP rule is the graph of {@code vjp(f)}, traced on demand and interpreted through
 *       {@link Ops#bind} on the saved inputs and the cotangent: it recomputes {@code f}'s forward pass and
 *       pulls the cotangent back. Because that graph is itself made of primitives, the cotangents are
 *       differentiable again (grad of grad, Hessian-vector products), and a backward pass traced by
 *       {@code jit} contains the recomputation;</li>
 *   <li>its JVP rule is the traced graph of {@code jvp(f)} (forward mode stores nothing anyway).</li>
 * </ul>
 * Tensors {@code f} captures that carry autodiff state (parameters requiring grad, or values computed from
 * them) and traced tensors of an enclosing {@code jit} become extra inputs of the primitive (closure
 * conversion), so their gradients flow as if {@code f} had taken them as arguments. Captured tensors
 * without autodiff state are constants.
 *
 * <p>Because {@code f} is traced, it must not branch in Java on tensor values (use the structured control
 * flow of {@link org.fluxion.jit.Jit}), and its Java side effects happen once per call, at trace time.
 */
public final class Remat {
    private Remat() {
    }

    /** {@code f} rematerialized in reverse mode; see the class documentation. */
    public static Function<Tensor, Tensor> checkpoint(Function<Tensor, Tensor> f) {
        Function<Tensor[], Tensor> g = xs -> f.apply(xs[0]);
        return x -> apply("checkpoint", g, new Tensor[] {x});
    }

    /** {@link #checkpoint} for a function of several tensors. */
    public static Function<Tensor[], Tensor> checkpointN(Function<Tensor[], Tensor> f) {
        return xs -> apply("checkpoint", f, xs.clone());
    }

    /** {@link #checkpoint} for a function of a tree of tensors ({@link Tree}: lists, maps, records, arrays). */
    public static <T> Function<T, Tensor> treeCheckpoint(Function<T, Tensor> f) {
        return args -> {
            Tree.Flat flat = Tree.flatten(args);
            Function<Tensor[], Tensor> g = ls -> f.apply(flat.def().unflatten(List.of(ls)));
            return apply("checkpoint", g, flat.leaves().toArray(Tensor[]::new));
        };
    }

    /** Traces {@code f} on abstract copies of {@code xs} and applies the result as one {@link Call} primitive. */
    static Tensor apply(String name, Function<Tensor[], Tensor> f, Tensor[] xs) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i] == null) {
                throw new NullPointerException(name + ": argument " + i + " is null");
            }
        }
        // A child of the enclosing trace (if any): tensors of that trace that f captures become captures.
        // Inside a vmap, f may capture its batched tensors: they become operands too.
        Trace parent = Tracing.current();
        Trace trace = new Trace(parent, parent != null || Levels.active());
        Tensor[] tracers = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            tracers[i] = trace.newInput(xs[i].type());
        }
        Graph traced = Tracing.trace(trace, () -> {
            Tensor y = f.apply(tracers);
            if (y == null) {
                throw new IllegalArgumentException(name + ": the function returned null");
            }
            return List.of(y);
        });
        // Closure conversion: captured tracers of the enclosing trace and captured tensors with autodiff
        // state become inputs, so that the primitive's rules see them (and gradients reach them).
        List<Tensor> args = new ArrayList<>(Arrays.asList(xs));
        args.addAll(trace.capturedOperands());
        Graph forward = liftTrackedConstants(traced, args);
        return Ops.bind(new Call(name, forward), args.toArray(Tensor[]::new));
    }

    /**
     * {@code g} with every constant that carries autodiff state replaced by a new input (appended to the
     * graph's inputs, its tensor to {@code args}); the other constants stay.
     */
    private static Graph liftTrackedConstants(Graph g, List<Tensor> args) {
        Map<Value, Value> lifted = new IdentityHashMap<>();
        int nextId = 1 + g.equations().stream().flatMap(e -> Arrays.stream(e.outputs())).mapToInt(Value::id)
                .max().orElse(0);
        for (Value v : g.inputs()) {
            nextId = Math.max(nextId, v.id() + 1);
        }
        List<Value> inputs = new ArrayList<>(g.inputs());
        List<Equation> equations = new ArrayList<>(g.equations().size());
        for (Equation e : g.equations()) {
            Value[] ins = e.inputs().clone();
            for (int i = 0; i < ins.length; i++) {
                ins[i] = lift(ins[i], lifted, inputs, args, nextId + lifted.size());
            }
            equations.add(e.withInputs(ins));
        }
        List<Value> outputs = new ArrayList<>(g.outputs().size());
        for (Value v : g.outputs()) {
            outputs.add(lift(v, lifted, inputs, args, nextId + lifted.size()));
        }
        return lifted.isEmpty() ? g : new Graph(inputs, equations, outputs);
    }

    private static Value lift(Value v, Map<Value, Value> lifted, List<Value> inputs, List<Tensor> args, int id) {
        if (!v.isConstant() || !Autograd.isDifferentiated(v.constant())) {
            return v;
        }
        return lifted.computeIfAbsent(v, c -> {
            Value in = new Value(id, c.type(), null, null);
            inputs.add(in);
            args.add(c.constant());
            return in;
        });
    }

    /**
     * The primitive of one checkpointed call: {@code forward}'s single output of its inputs, computed
     * without recording; derivatives by recomputation (see {@link Remat}). Equality is identity.
     */
    static final class Call implements CompilerPrimitive, Printer.Described {
        final String name;
        final Graph forward;
        private final TensorType out;
        /** The traced VJP graph per set of wanted cotangents, and the traced JVP graph. */
        private final Map<Integer, Graph> vjps = new ConcurrentHashMap<>();
        private volatile Graph jvp;

        Call(String name, Graph forward) {
            this.name = name;
            this.forward = forward;
            this.out = forward.outputs().get(0).type();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String parameters(String indent) {
            return "graph=" + Printer.print(forward, indent + "  ");
        }

        @Override
        public TensorType outputType(TensorType... in) {
            if (in.length != forward.inputs().size()) {
                throw new IllegalArgumentException(name + ": " + in.length + " inputs for a function of "
                        + forward.inputs().size());
            }
            for (int i = 0; i < in.length; i++) {
                if (!in[i].equals(forward.inputs().get(i).type())) {
                    throw new IllegalArgumentException(name + ": input " + i + " is " + in[i]
                            + " but the function was traced for " + forward.inputs().get(i).type());
                }
            }
            return out;
        }

        /** The forward graph on detached inputs with recording off: nothing of it is kept for backward. */
        @Override
        public Tensor compute(TensorType type, Tensor... in) {
            Tensor[] plain = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                plain[i] = Autograd.detach(in[i]);
            }
            try (var mode = GradMode.noGrad()) {
                // A fresh alias: the result may be a constant or an input of the graph, which must not
                // receive the autograd state of this call's output.
                return Autograd.detach(forward.evaluate(plain)[0]);
            }
        }

        /** The rules read the inputs only: the output is recomputed, never saved. */
        @Override
        public int vjpReads(int wanted, int arity) {
            return arity >= 31 ? ~0 : ((1 << arity) - 1);
        }

        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return vjp(g, in, y, -1);
        }

        /**
         * The traced graph of {@code (inputs, g) -> vjp(f, inputs)(g)} interpreted on the saved inputs: the
         * forward pass again, then the pullback; recorded (differentiable) when the backward pass creates a
         * graph, plain computation otherwise.
         */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
            int mask = 0;
            for (int i = 0; i < in.length; i++) {
                // Bits of inputs past 31 alias in the engine's int mask; such inputs are always computed.
                if ((i >= 31 || (wanted & (1 << i)) != 0) && in[i].dtype().isFloatingPoint()) {
                    mask |= 1 << Math.min(i, 31);
                }
            }
            int m = mask;
            Graph vjpGraph = vjps.computeIfAbsent(mask, k -> traceVjp(m));
            Tensor[] args = Arrays.copyOf(in, in.length + 1);
            args[in.length] = g;
            Tensor[] cts = vjpGraph.evaluate(args);
            Tensor[] result = new Tensor[in.length];
            for (int i = 0, k = 0; i < in.length; i++) {
                if (wants(mask, i)) {
                    result[i] = cts[k++];
                }
            }
            return result;
        }

        private static boolean wants(int mask, int i) {
            return (mask & (1 << Math.min(i, 31))) != 0;
        }

        /**
         * Traces the pullback on abstract inputs. The walk runs on a tape of its own: the forward graph's
         * constants carry no autodiff state (those were lifted to inputs), so it reaches nothing outside.
         */
        private Graph traceVjp(int mask) {
            Trace t = new Trace(null, false);
            List<Tensor> xs = new ArrayList<>();
            for (Value v : forward.inputs()) {
                xs.add(t.newInput(v.type()));
            }
            Tensor g = t.newInput(out);
            return Tracing.trace(t, () -> {
                Tensor[] args = xs.toArray(Tensor[]::new);
                List<Tensor> leaves = new ArrayList<>();
                for (int i = 0; i < args.length; i++) {
                    if (wants(mask, i)) {
                        args[i] = Autograd.detach(args[i]);
                        Autograd.setRequiresGrad(args[i], true);
                        leaves.add(args[i]);
                    }
                }
                Tensor y;
                try (var mode = GradMode.enableGrad()) {
                    y = forward.evaluate(args)[0];
                }
                if (leaves.isEmpty()) {
                    return List.of();
                }
                try (var mode = GradMode.noGrad()) {
                    return List.of(Autograd.grad(y, leaves.toArray(Tensor[]::new), g, false, false));
                }
            });
        }

        /** The traced graph of {@code (inputs, tangents) -> jvp(f)} interpreted on the inputs and tangents. */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            Graph j = jvp;
            if (j == null) {
                jvp = j = traceJvp();
            }
            Tensor[] args = Arrays.copyOf(in, 2 * in.length);
            for (int i = 0; i < in.length; i++) {
                Tensor ti = t[i];
                if (ti == null) {
                    DType d = in[i].dtype().isFloatingPoint() ? in[i].dtype() : out.dtype();
                    ti = Tensor.zeros(d, in[i].dims());
                }
                args[in.length + i] = ti.dtype() == tangentType(i).dtype() ? ti : ti.to(tangentType(i).dtype());
            }
            return j.evaluate(args)[0];
        }

        /** The dtype a tangent of input i is traced with: the input's if floating point, else the output's. */
        private TensorType tangentType(int i) {
            TensorType x = forward.inputs().get(i).type();
            return x.dtype().isFloatingPoint() ? x : new TensorType(x.shape(), out.dtype());
        }

        private Graph traceJvp() {
            Trace t = new Trace(null, false);
            int n = forward.inputs().size();
            Tensor[] xs = new Tensor[n];
            Tensor[] ts = new Tensor[n];
            for (int i = 0; i < n; i++) {
                xs[i] = t.newInput(forward.inputs().get(i).type());
            }
            for (int i = 0; i < n; i++) {
                ts[i] = t.newInput(tangentType(i));
            }
            return Tracing.trace(t, () -> List.of(
                    Functional.jvp((Tensor[] a) -> forward.evaluate(a)[0], xs, ts).tangent()));
        }

        /** Delegates to the forward graph: that graph's equations run under vmap, checkpointed again. */
        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            int[] axes = new int[in.length];
            String[] names = new String[in.length];
            for (int i = 0; i < in.length; i++) {
                axes[i] = batched[i] ? 0 : -1;
                names[i] = name + " input " + i;
            }
            VmapCore<Tensor[], Tensor[]> mapped = new VmapCore<>(forward::evaluate);
            return apply(name, xs -> mapped.apply(xs, axes, names, null)[0], in);
        }

        @Override
        public String toString() {
            return name + "[" + forward.equations().size() + " equations]";
        }
    }
}

package org.fluxion.jit.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.ops.Interpreter;
import org.fluxion.ops.Levels;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.StorageTypes;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * A graph being recorded: the abstract tensors handed to the traced function stand for its inputs, and
 * every primitive applied to them appends an {@link Equation}. Traces nest (the body of a loop is traced
 * inside the trace of the function around it); a value of an enclosing trace used inside a nested one
 * becomes a <em>capture</em>: an extra input of the nested graph (closure conversion).
 *
 * <p>A trace is the {@link Interpreter} of the tensors standing for its values; its level is its depth among
 * the transformations active on the thread ({@link Levels}: traces and vmaps), so an operation on tensors of
 * several nested ones goes to the innermost. A tensor of a vmap outside the trace becomes a capture too.
 */
public final class Trace implements Interpreter {
    final Trace parent;
    final int depth;
    /** Whether values of enclosing traces may be captured (nested traces of control flow: yes). */
    private final boolean capturing;
    /**
     * Whether operations done while this trace is current are recorded here even when all their traced
     * inputs belong to enclosing traces, if one of them takes part in differentiation (see
     * {@link #process}). True for the functions of structured
     * control flow, which are traced with recording for reverse mode off: an operation on captures hoisted
     * into the enclosing trace would run there untaped, and derivatives would miss the path through it.
     */
    final boolean keepsOperations;
    final List<Value> inputs = new ArrayList<>();
    final List<Equation> equations = new ArrayList<>();
    /** Captured value of an enclosing trace -> the input of this trace that stands for it. */
    final Map<Value, Value> captures = new LinkedHashMap<>();
    /**
     * For a capture of a value of the parent trace: the tensor that was used, whose autodiff state (a
     * gradient to track, a tangent) the structured operation must pass on with it.
     */
    final Map<Value, Tensor> capturedTensors = new IdentityHashMap<>();
    /** Captured abstract tensor of another transformation (a vmap's) -> the input standing for it. */
    private final Map<Tensor, Value> foreignCaptures = new IdentityHashMap<>();
    /** What each captured input stands for, in input order: a {@link Value} of an enclosing trace, or a tensor. */
    private final List<Object> captureOrder = new ArrayList<>();
    private final Map<Tensor, Value> constants = new IdentityHashMap<>();
    private int nextId;
    /** Set when the trace finished; volatile, as an escaped tracer may be used on another thread. */
    volatile boolean closed;

    public Trace(Trace parent, boolean capturing) {
        this(parent, capturing, false);
    }

    public Trace(Trace parent, boolean capturing, boolean keepsOperations) {
        this.parent = parent;
        // Above the parent and above any transformation opened since (a vmap inside the parent).
        this.depth = Math.max(parent == null ? -1 : parent.depth, Levels.top()) + 1;
        this.capturing = capturing;
        this.keepsOperations = keepsOperations && capturing;
    }

    /**
     * True when values of {@code outer} may be captured here: it encloses this trace and every trace in
     * between captures too.
     */
    boolean canCapture(Trace outer) {
        for (Trace t = this; t != outer; t = t.parent) {
            if (t == null || !t.capturing) {
                return false;
            }
        }
        return true;
    }

    /** A new input of the given type, as an abstract tensor for the traced function. */
    public Tensor newInput(TensorType type) {
        Value v = new Value(nextId++, type, null, this);
        inputs.add(v);
        return tensorOf(v);
    }

    static Tensor tensorOf(Value v) {
        return TensorInternals.abstractTensor(v.type, v);
    }

    @Override
    public int level() {
        return depth;
    }

    /**
     * Records {@code primitive(inputs)} (of result types {@code outs}) here, the innermost trace its inputs
     * belong to, or, when an input takes part in differentiation, in the current trace if that is the
     * function of a structured operation nested in it ({@link #keepsOperations}): its inputs from enclosing
     * traces become captures. A precomputed primitive (a custom rule) is not recorded: its value is already
     * the traced result of the operations that computed it.
     */
    @Override
    public Tensor[] process(Primitive primitive, TensorType[] outs, Tensor[] inputs) {
        if (primitive.precomputed()) {
            return StorageTypes.computeAll(primitive, outs, inputs);
        }
        if (closed) {
            throw EscapedTracerException.of(primitive.name(), outs.length > 0 ? outs[0] : null);
        }
        Trace target = this;
        Trace current = Tracing.current();
        if (current != null && current != this && current.keepsOperations && current.canCapture(this)
                && carriesDerivatives(inputs)) {
            // A loop body computing from a captured value that is being differentiated (x.cos() with x a
            // tracer of jit(grad(f)) or vmap(grad(f))): the operation stays in the body, its inputs become
            // captures, and the structured operation's derivative covers the path through it. Hoisted into
            // the enclosing trace it would be recorded without its derivative, as the body is traced with
            // reverse-mode recording off. Without autodiff state, a loop invariant is hoisted: it runs once.
            target = current;
        }
        return target.recordAll(primitive, outs, inputs);
    }

    /**
     * Records {@code primitive(inputs)} here on behalf of a transformation below this trace that would
     * otherwise apply it outside the function being traced: vmap, for an operation on its batched tensors that
     * take part in differentiation, while this trace is the function of a structured operation
     * ({@link #keepsOperations()}; see {@link #process}). The inputs become captures.
     */
    public Tensor[] recordCaptured(Primitive primitive, TensorType[] outs, Tensor[] inputs) {
        if (!keepsOperations) {
            throw new IllegalStateException("jit: only the trace of a structured operation's function records "
                    + "operations on captured tensors");
        }
        return recordAll(primitive, outs, inputs);
    }

    /**
     * Whether operations on tensors captured from outside that take part in differentiation are recorded
     * here rather than hoisted out of the function ({@link #process}).
     */
    public boolean keepsOperations() {
        return keepsOperations;
    }

    /**
     * Whether an input takes part in a transformation further in than tracing (autodiff: a gradient to
     * track, a forward tangent): its state is not just a graph value.
     */
    private static boolean carriesDerivatives(Tensor[] inputs) {
        for (Tensor t : inputs) {
            Interpreter.State s = Interpreter.stateOf(t);
            if (s != null && !(s instanceof Value)) {
                return true;
            }
        }
        return false;
    }

    /** The value a tensor stands for in this trace: its own, a capture, or a constant. */
    Value valueOf(Tensor t) {
        Value v = Tracing.valueOf(t);
        if (v == null) {
            return t.isTraced() ? foreign(t) : constants.computeIfAbsent(t, c -> new Value(nextId++, c.type(), c, this));
        }
        if (v.trace == this) {
            return v;
        }
        if (v.trace.closed) {
            throw EscapedTracerException.of("jit", v.type);
        }
        if (!capturing || v.trace.depth >= depth) {
            throw new IllegalStateException("jit: a traced tensor " + v.type + " of another trace was used here; "
                    + "values cross traced functions only as arguments and results");
        }
        Value outer = parent == v.trace ? v : parent.valueOf(t);
        if (parent == v.trace) {
            capturedTensors.merge(outer, t, Trace::sameCapture);
        }
        return captures.computeIfAbsent(outer, o -> {
            Value in = new Value(nextId++, o.type, null, this);
            inputs.add(in);
            captureOrder.add(o);
            return in;
        });
    }

    /**
     * The input standing for {@code t}, an abstract tensor of another transformation than tracing (vmap's
     * batched tensor, from outside this trace): a capture, whose operand is {@code t} itself, so that the
     * structured operation applied to it goes to that transformation (which batches it).
     */
    private Value foreign(Tensor t) {
        if (!capturing) {
            throw new IllegalStateException("jit: an abstract tensor " + t.type() + " of another transformation "
                    + "(vmap) was used in a traced function that does not capture; pass it as an argument");
        }
        return foreignCaptures.computeIfAbsent(t, x -> {
            Value in = new Value(nextId++, x.type(), null, this);
            inputs.add(in);
            captureOrder.add(x);
            return in;
        });
    }

    /**
     * The tensors of the enclosing trace that this trace's captured inputs stand for, in input order: the
     * operands a structured operation passes for them. For a value of the parent trace, the tensor the
     * function used, with its autodiff state (a gradient to track, a tangent), so that derivatives reach it;
     * a value of a trace further out was captured by the parent too, and the parent's input stands for it;
     * a tensor of another transformation ({@link #foreign}) is passed as it is.
     */
    public List<Tensor> capturedOperands() {
        List<Tensor> operands = new ArrayList<>(captureOrder.size());
        for (Object key : captureOrder) {
            if (key instanceof Value outer) {
                Tensor used = capturedTensors.get(outer);
                operands.add(used != null ? used : tensorOf(outer));
            } else {
                operands.add((Tensor) key);
            }
        }
        return operands;
    }

    /**
     * Two tensors of one captured value: they must not carry different autodiff state (a state other than
     * the value itself).
     */
    private static Tensor sameCapture(Tensor first, Tensor second) {
        Interpreter.State a = Interpreter.stateOf(first);
        Interpreter.State b = Interpreter.stateOf(second);
        if (a instanceof Value) {
            return second;
        }
        if (b instanceof Value || a == b) {
            return first;
        }
        throw new IllegalStateException("jit: two differently differentiated tensors over the same traced value "
                + first.type() + " (e.g. a tensor and its detached copy) were both captured by a nested function; "
                + "pass one of them as an operand instead");
    }

    /** One equation (with one output, or several); a traced tensor for each output. */
    Tensor[] recordAll(Primitive primitive, TensorType[] outs, Tensor[] args) {
        Value[] ins = valuesOf(args);
        Value[] results = new Value[outs.length];
        Tensor[] tensors = new Tensor[outs.length];
        for (int k = 0; k < outs.length; k++) {
            results[k] = new Value(nextId++, outs[k], null, this);
            tensors[k] = tensorOf(results[k]);
        }
        equations.add(new Equation(primitive, ins, results));
        return tensors;
    }

    private Value[] valuesOf(Tensor[] args) {
        Value[] ins = new Value[args.length];
        for (int i = 0; i < args.length; i++) {
            ins[i] = valueOf(args[i]);
        }
        return ins;
    }

    /** Ends the trace: the graph computing {@code results}. */
    Graph finish(List<Tensor> results) {
        List<Value> outs = new ArrayList<>(results.size());
        for (Tensor t : results) {
            outs.add(valueOf(t));
        }
        closed = true;
        return new Graph(inputs, equations, outs);
    }
}

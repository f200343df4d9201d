package org.fluxion.jit.ir;

import java.util.function.Supplier;
import org.fluxion.ops.Primitive;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The tracing side of {@link org.fluxion.ops.Ops#evaluate}: when an input of a primitive is a traced
 * tensor, the operation is recorded in the innermost trace among its inputs instead of running. The
 * traces active on a thread are opened and closed by {@link #trace}.
 */
public final class Tracing {
    private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();

    private Tracing() {
    }

    /**
     * Records {@code primitive(inputs)} (of result type {@code out}) in the innermost trace its inputs
     * belong to, or, when an input takes part in differentiation, in the current trace if that is the
     * function of a structured operation nested in it ({@link Trace#keepsOperations}): its inputs from
     * enclosing traces become captures.
     */
    public static Tensor record(Primitive primitive, TensorType out, Tensor... inputs) {
        return target(primitive, out, inputs).record(primitive, out, inputs);
    }

    /** {@link #record} for a primitive of several outputs: one equation, one traced tensor per output. */
    public static Tensor[] recordAll(Primitive primitive, TensorType[] outs, Tensor... inputs) {
        return target(primitive, outs.length > 0 ? outs[0] : null, inputs).recordAll(primitive, outs, inputs);
    }

    /** The trace that records {@code primitive(inputs)}; {@code out} is the result type for messages. */
    private static Trace target(Primitive primitive, TensorType out, Tensor[] inputs) {
        Trace target = null;
        for (Tensor t : inputs) {
            Value v = valueOf(t);
            if (v != null && (target == null || v.trace.depth > target.depth)) {
                target = v.trace;
            }
        }
        if (target == null) {
            throw new IllegalStateException(primitive.name() + ": no traced input");
        }
        if (target.closed) {
            throw EscapedTracerException.of(primitive.name(), out);
        }
        Trace current = CURRENT.get();
        if (current != null && current != target && current.keepsOperations && current.canCapture(target)
                && carriesDerivatives(inputs)) {
            // A loop body computing from a captured value that is being differentiated (x.cos() with x a
            // tracer of jit(grad(f)) or vmap(grad(f))): the operation stays in the body, its inputs become
            // captures, and the structured operation's derivative covers the path through it. Hoisted into
            // the enclosing trace it would be recorded without its derivative, as the body is traced with
            // reverse-mode recording off. Without autodiff state, a loop invariant is hoisted: it runs once.
            target = current;
        }
        return target;
    }

    /** Whether an input takes part in differentiation (a gradient to track, a forward tangent). */
    private static boolean carriesDerivatives(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t.autogradMeta() != null) {
                return true;
            }
        }
        return false;
    }

    /** The graph value a traced tensor stands for; null for a concrete tensor. */
    public static Value valueOf(Tensor t) {
        return t.storage().tracer() instanceof Value v ? v : null;
    }

    /** True while this thread traces a function for {@code jit}. */
    public static boolean active() {
        return CURRENT.get() != null;
    }

    public static Trace current() {
        return CURRENT.get();
    }

    /**
     * Traces {@code f} on the tensors {@code trace} made for it: runs it with {@code trace} as this thread's
     * innermost trace, and returns the graph of its result's leaves. The trace is closed afterwards, even
     * when {@code f} throws: its tracers can no longer be used.
     */
    public static Graph trace(Trace trace, Supplier<java.util.List<Tensor>> f) {
        Trace saved = CURRENT.get();
        CURRENT.set(trace);
        try {
            return trace.finish(f.get());
        } finally {
            CURRENT.set(saved);
            trace.closed = true;
        }
    }

    /**
     * Refuses an in-place write while tracing: it would happen once, at trace time, not each time the
     * compiled function runs; and a traced tensor has no elements to write.
     */
    public static void checkMutation(String op, Tensor target, Tensor value) {
        if (target.isTraced() || value.isTraced() || active()) {
            throw new IllegalStateException(op + ": in-place writes are not allowed inside a jit-compiled function "
                    + "(target " + target.type() + (target.isTraced() ? ", traced" : ", a captured tensor")
                    + "): the write would happen once while tracing, not on every call; return the new value "
                    + "from the function instead (functional update)");
        }
    }
}

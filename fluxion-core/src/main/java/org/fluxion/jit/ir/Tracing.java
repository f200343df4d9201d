package org.fluxion.jit.ir;

import java.util.function.Supplier;
import org.fluxion.ops.Interpreter;
import org.fluxion.ops.Levels;
import org.fluxion.tensor.Tensor;

/**
 * The traces active on a thread, opened and closed by {@link #trace}; the tracers' values. A primitive
 * applied to a traced tensor reaches its trace through {@code Ops.bind} (the trace is the tensor's
 * {@link Interpreter}).
 */
public final class Tracing {
    private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();

    private Tracing() {
    }

    /** The graph value a traced tensor stands for; null for a concrete tensor. */
    public static Value valueOf(Tensor t) {
        for (Interpreter.State s = Interpreter.stateOf(t); s != null; s = s.lower()) {
            if (s instanceof Value v) {
                return v;
            }
        }
        return null;
    }

    /**
     * True while a function runs on abstract tensors on this thread: while a trace is recorded (jit, a loop
     * body) or a function is mapped over a batch (vmap). Code with an eager shortcut that reads values (a
     * Java loop over a condition) takes its traced form then.
     */
    public static boolean active() {
        return Levels.active();
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
        Levels.enter(trace.depth);
        try {
            return trace.finish(f.get());
        } finally {
            Levels.exit(trace.depth);
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

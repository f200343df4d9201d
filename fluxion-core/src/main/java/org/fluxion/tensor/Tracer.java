package org.fluxion.tensor;

/**
 * The transformation state of a traced tensor ({@link org.fluxion.ops.Interpreter.State}): a value of a trace
 * of {@code org.fluxion.jit}. This layer only needs to tell a tensor being traced (its values are not known
 * yet) from one that escaped its trace (its values will never be known).
 */
public interface Tracer {
    /** True once the trace that made this tracer has finished: the tensor outlived the traced function. */
    boolean escaped();
}

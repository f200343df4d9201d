package org.fluxion.tensor;

/**
 * What the storage of a traced tensor stands for: a value of a trace of {@code org.fluxion.jit}. This layer
 * only needs to tell a tensor being traced (its values are not known yet) from one that escaped its trace
 * (its values will never be known).
 */
public interface Tracer {
    /** True once the trace that made this tracer has finished: the tensor outlived the traced function. */
    boolean escaped();
}

package org.fluxion.tensor;

/**
 * The transformation state a tensor carries, as this layer sees it: a chain from the innermost transformation
 * outwards. What a state means, and which transformation handles the operations on its tensor, is ops'
 * {@code Interpreter.State}, the one kind of state; this layer only walks the chain (to tell a tracer that
 * escaped its trace) and keeps it on the tensor.
 */
public interface TensorState {
    /** The same tensor's state for the transformations further out, or null. */
    TensorState lower();
}

package org.fluxion.tensor;

/**
 * Thrown when a traced tensor is used after the traced function returned (JAX's UnexpectedTracerError):
 * it was kept in a field, a captured list or a global while {@code jit} traced the function, and stands
 * for a value of a graph that is finished, so it has no values and cannot enter another computation.
 * The message names the operation and the tensor, and what to do instead.
 */
public final class EscapedTracerException extends IllegalStateException {
    public EscapedTracerException(String message) {
        super(message);
    }

    /** The message for {@code operation} on an escaped tracer of type {@code type}. */
    public static EscapedTracerException of(String operation, TensorType type) {
        return new EscapedTracerException(operation + ": the tensor " + type + " is a tracer that escaped its jit "
                + "trace: it was made while jit traced a function and leaked out of it (kept after the function "
                + "returned, in a field, a captured list or a global), so it has no values and never will. Return it from the "
                + "traced function and use the returned tensor, or compute it outside jit");
    }
}

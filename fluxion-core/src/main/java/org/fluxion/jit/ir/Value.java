package org.fluxion.jit.ir;

import org.fluxion.ops.Interpreter;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;
import org.fluxion.tensor.Tracer;

/**
 * One SSA value of a {@link Graph}: a graph input, a constant (a concrete tensor the traced function
 * captured or computed from captured tensors alone), or the output of one {@link Equation}. It knows only
 * its type (shape and dtype), like JAX's abstract values. While its trace records, it is the transformation
 * state of the tensor that stands for it (a tracer), whose primitives go to {@link #trace}.
 */
public final class Value implements Tracer, Interpreter.State {
    final int id;
    final TensorType type;
    /** The concrete tensor of a constant; null otherwise. */
    final Tensor constant;
    /** The trace that created it, while tracing (to find captures and leaked tracers). */
    final Trace trace;
    /** The latest equation computing this value (set by {@link Equation}); null for inputs and constants. */
    Equation producer;

    public Value(int id, TensorType type, Tensor constant, Trace trace) {
        this.id = id;
        this.type = type;
        this.constant = constant;
        this.trace = trace;
    }

    /** The value's number in its trace (printed as {@code %id}). */
    public int id() {
        return id;
    }

    public TensorType type() {
        return type;
    }

    @Override
    public Interpreter interpreter() {
        return trace;
    }

    /** A value of a nested trace stands for nothing of the enclosing ones until it is captured. */
    @Override
    public Interpreter.State lower() {
        return null;
    }

    /** True when the trace that made this value has finished: a tensor standing for it escaped the trace. */
    @Override
    public boolean escaped() {
        return trace != null && trace.closed;
    }

    public boolean isConstant() {
        return constant != null;
    }

    /**
     * For a constant of at most {@code maxSize} elements that all hold the same value (a scalar, or a
     * scalar broadcast to a shape): that value; null otherwise.
     */
    public Double uniformValue(int maxSize) {
        if (constant == null || type.shape().size() > maxSize || type.shape().size() == 0) {
            return null;
        }
        double[] xs = constant.toDoubleArray();
        for (double x : xs) {
            if (Double.compare(x, xs[0]) != 0) {
                return null;
            }
        }
        return xs[0];
    }

    /** The latest equation computing this value; null for inputs and constants. */
    public Equation producer() {
        return producer;
    }

    /** The constant's tensor, or null when this value is not a constant. */
    public Tensor constant() {
        return constant;
    }

    @Override
    public String toString() {
        return "%" + id + ":" + type;
    }
}

package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the same values, through which no derivative flows (JAX's {@code stop_gradient}). Eagerly a
 * detached view does this without any operation; a traced graph needs it as an equation, because nested graphs
 * (the bodies of loops and branches, checkpointed calls) are differentiated later by interpreting them, and a
 * detach that left no mark would let derivatives through. The VJP and JVP are zero; the output is a view of
 * the input.
 */
public record StopGradient() implements Primitive {
    /** VJP: none. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {null};
    }

    /** The VJP reads nothing. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return 0;
    }

    /** JVP: zero. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return null;
    }

    @Override
    public String name() {
        return "stopGradient";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        return in[0];
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        return TensorInternals.view(storage(x), x.shape(), x.strides(), x.offset());
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Elementwise on one input: the batch axis is one more axis.
        return Ops.bind(this, in);
    }
}

package org.fluxion.ops;

import org.fluxion.autodiff.Dispatch;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/** The single entry point through which every primitive is applied. */
public final class Ops {
    private Ops() {
    }

    /**
     * Validates the inputs with the primitive's shape rule, then runs its kernel. When an input carries
     * autodiff state (requires grad, was recorded, or carries a forward-mode tangent), autodiff's
     * {@link Dispatch} takes over to record the operation and propagate tangents; plain tensors pay only
     * for one null check per input.
     */
    public static Tensor bind(Primitive primitive, Tensor... inputs) {
        TensorType[] types = new TensorType[inputs.length];
        boolean tracked = false;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException(primitive.name() + ": input " + i + " is null");
            }
            types[i] = inputs[i].type();
            tracked |= inputs[i].autogradMeta() != null;
        }
        TensorType out = primitive.outputType(types);
        return tracked ? Dispatch.bind(primitive, inputs, out) : evaluate(primitive, out, inputs);
    }

    /**
     * Runs the primitive's kernel, or, when an input is a traced (abstract) tensor, records the operation
     * in the graph that {@code jit} is building and returns the traced result. Operations on concrete
     * tensors alone run now even while tracing: their results enter the graph as constants.
     */
    public static Tensor evaluate(Primitive primitive, TensorType out, Tensor... inputs) {
        if (primitive.precomputed()) {
            return primitive.compute(out, inputs);
        }
        for (Tensor t : inputs) {
            if (t.storage().isAbstract()) {
                return Tracing.record(primitive, out, inputs);
            }
        }
        return primitive.compute(out, inputs);
    }

    /**
     * {@link #bind} for a primitive of several outputs ({@link MultiOutput}; any primitive is accepted):
     * all outputs, in the order of its {@link Primitive#outputTypes}. Autodiff records one operation for
     * all of them; tracing records one equation.
     */
    public static Tensor[] bindAll(Primitive primitive, Tensor... inputs) {
        TensorType[] types = new TensorType[inputs.length];
        boolean tracked = false;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException(primitive.name() + ": input " + i + " is null");
            }
            types[i] = inputs[i].type();
            tracked |= inputs[i].autogradMeta() != null;
        }
        TensorType[] outs = primitive.outputTypes(types);
        return tracked ? Dispatch.bindAll(primitive, inputs, outs) : evaluateAll(primitive, outs, inputs);
    }

    /** {@link #evaluate} for all outputs of a primitive. */
    public static Tensor[] evaluateAll(Primitive primitive, TensorType[] outs, Tensor... inputs) {
        if (!primitive.precomputed()) {
            for (Tensor t : inputs) {
                if (t.storage().isAbstract()) {
                    return Tracing.recordAll(primitive, outs, inputs);
                }
            }
        }
        return primitive.computeAll(outs, inputs);
    }
}

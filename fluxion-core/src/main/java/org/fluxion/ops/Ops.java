package org.fluxion.ops;

import org.fluxion.autodiff.Dispatch;
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
        return tracked ? Dispatch.bind(primitive, inputs, out) : primitive.compute(out, inputs);
    }
}

package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/** The single entry point through which every primitive is applied. */
public final class Ops {
    private Ops() {
    }

    /** Validates the inputs with the primitive's shape rule, then runs its kernel. */
    public static Tensor bind(Primitive primitive, Tensor... inputs) {
        TensorType[] types = new TensorType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException(primitive.name() + ": input " + i + " is null");
            }
            types[i] = inputs[i].type();
        }
        TensorType out = primitive.outputType(types);
        return primitive.compute(out, inputs);
    }
}

package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/** The single entry point through which every primitive is applied. */
public final class Ops {
    private Ops() {
    }

    /**
     * Validates the inputs with the primitive's shape rule, then runs its kernel, or, when an input carries
     * transformation state, hands the primitive to the innermost transformation ({@link Interpreter}). Plain
     * tensors pay one null check per input.
     *
     * @throws NullPointerException naming the primitive and the input's position for a null input
     */
    public static Tensor bind(Primitive primitive, Tensor... inputs) {
        TensorType[] types = new TensorType[inputs.length];
        Interpreter.State top = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                throw new NullPointerException(primitive.name() + ": input " + i + " is null");
            }
            types[i] = t.type();
            Interpreter.State s = TensorInternals.state(t);
            if (s != null && (top == null || s.interpreter().level() > top.interpreter().level())) {
                top = s;
            }
        }
        TensorType out = primitive.outputType(types);
        return top == null ? primitive.compute(out, inputs) : top.interpreter().process(primitive, out, inputs);
    }

    /**
     * Applies {@code primitive} for the transformations further out than {@code caller} (autodidax's
     * {@code bind} on the primals): the innermost interpreter below {@code caller}'s level among the
     * inputs' states, or the kernel when there is none.
     *
     * @param out the type the primitive's shape rule gave for the inputs
     */
    public static Tensor bindBelow(Interpreter caller, Primitive primitive, TensorType out, Tensor... inputs) {
        int level = caller.level();
        Interpreter top = null;
        for (Tensor t : inputs) {
            for (Interpreter.State s = TensorInternals.state(t); s != null; s = s.lower()) {
                Interpreter i = s.interpreter();
                if (i.level() < level) {
                    if (top == null || i.level() > top.level()) {
                        top = i;
                    }
                    break;
                }
            }
        }
        return top == null ? primitive.compute(out, inputs) : top.process(primitive, out, inputs);
    }
}

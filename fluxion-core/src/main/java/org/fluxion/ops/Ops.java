package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
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
        Interpreter.State top = innermost(primitive, inputs, types);
        TensorType out = primitive.outputType(types);
        return top == null ? StorageTypes.compute(primitive, out, inputs) : top.interpreter().processOne(primitive, out, inputs);
    }

    /**
     * {@link #bind} for a primitive of several outputs ({@link MultiOutput}; any primitive is accepted):
     * all outputs, in the order of its {@link Primitive#outputTypes}. Autodiff records one operation for
     * all of them; tracing records one equation.
     */
    public static Tensor[] bindAll(Primitive primitive, Tensor... inputs) {
        TensorType[] types = new TensorType[inputs.length];
        Interpreter.State top = innermost(primitive, inputs, types);
        TensorType[] outs = primitive.outputTypes(types);
        return top == null ? StorageTypes.computeAll(primitive, outs, inputs) : top.interpreter().process(primitive, outs, inputs);
    }

    /**
     * The state of the innermost transformation among the inputs' (autodidax's {@code find_top_trace}), or
     * null when no input carries one; fills {@code types} with the inputs' types.
     */
    private static Interpreter.State innermost(Primitive primitive, Tensor[] inputs, TensorType[] types) {
        Interpreter.State top = null;
        Interpreter topInterpreter = null;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                throw new NullPointerException(primitive.name() + ": input " + i + " is null");
            }
            types[i] = t.type();
            Interpreter.State s = Interpreter.stateOf(t);
            if (s != null) {
                Interpreter in = s.interpreter();
                // Levels are compared only between different interpreters (autodiff's is one for all tensors).
                if (top == null || in != topInterpreter && in.level() > topInterpreter.level()) {
                    top = s;
                    topInterpreter = in;
                }
            }
        }
        return top;
    }

    /**
     * Applies {@code primitive} for the transformations further out than {@code caller} (autodidax's
     * {@code bind} on the primals): the innermost interpreter below {@code caller}'s level among the
     * inputs' states, or the kernel when there is none.
     *
     * @param outs the types the primitive's shape rule gave for the inputs, one per output
     */
    public static Tensor[] bindBelow(Interpreter caller, Primitive primitive, TensorType[] outs, Tensor... inputs) {
        Interpreter top = below(caller, inputs);
        return top == null ? StorageTypes.computeAll(primitive, outs, inputs) : top.process(primitive, outs, inputs);
    }

    /** {@link #bindBelow} for a primitive of one output, of type {@code out}: that output. */
    public static Tensor bindOneBelow(Interpreter caller, Primitive primitive, TensorType out, Tensor... inputs) {
        Interpreter top = below(caller, inputs);
        return top == null ? StorageTypes.compute(primitive, out, inputs) : top.processOne(primitive, out, inputs);
    }

    /** The innermost interpreter below {@code caller}'s level among the inputs' states, or null. */
    private static Interpreter below(Interpreter caller, Tensor[] inputs) {
        int level = caller.level();
        Interpreter top = null;
        for (Tensor t : inputs) {
            for (Interpreter.State s = Interpreter.stateOf(t); s != null; s = s.lower()) {
                Interpreter i = s.interpreter();
                if (i.level() < level) {
                    if (top == null || i.level() > top.level()) {
                        top = i;
                    }
                    break;
                }
            }
        }
        return top;
    }
}

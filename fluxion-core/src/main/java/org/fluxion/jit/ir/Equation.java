package org.fluxion.jit.ir;

import java.util.Arrays;
import org.fluxion.ops.Primitive;

/**
 * One step of a {@link Graph}: {@code outputs = primitive(inputs)}, with the primitive's static parameters.
 * Most primitives have one output ({@link #output()}); a {@link org.fluxion.ops.MultiOutput} has several,
 * all computed by this one step.
 */
public record Equation(Primitive primitive, Value[] inputs, Value[] outputs) {
    public Equation {
        for (Value v : outputs) {
            v.producer = this;
        }
    }

    /** An equation of one output. */
    public Equation(Primitive primitive, Value[] inputs, Value output) {
        this(primitive, inputs, new Value[] {output});
    }

    /**
     * The output of an equation of one output.
     *
     * @throws IllegalStateException for an equation of several outputs (a pass that reads only one output
     *                               would silently lose the others)
     */
    public Value output() {
        if (outputs.length != 1) {
            throw new IllegalStateException(primitive.name() + ": this equation has " + outputs.length
                    + " outputs; use outputs()");
        }
        return outputs[0];
    }

    @Override
    public String toString() {
        return (outputs.length == 1 ? outputs[0].toString() : Arrays.toString(outputs)) + " = "
                + Printer.describe(primitive) + " " + Arrays.toString(inputs);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    public Equation withInputs(Value[] newInputs) {
        return Arrays.equals(newInputs, inputs) ? this : new Equation(primitive, newInputs, outputs);
    }
}

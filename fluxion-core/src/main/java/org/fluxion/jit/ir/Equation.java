package org.fluxion.jit.ir;

import java.util.Arrays;
import org.fluxion.ops.Primitive;

/** One step of a {@link Graph}: {@code output = primitive(inputs)}, with the primitive's static parameters. */
public record Equation(Primitive primitive, Value[] inputs, Value output) {
    public Equation {
        output.producer = this;
    }

    @Override
    public String toString() {
        return output + " = " + Printer.describe(primitive) + " " + Arrays.toString(inputs);
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
        return Arrays.equals(newInputs, inputs) ? this : new Equation(primitive, newInputs, output);
    }
}

package org.fluxion.transforms;

import java.util.Arrays;
import org.fluxion.jit.ir.Printer;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Output {@code k} of a structured operation ({@link Group}): the primitive through which loops,
 * branches and their derivatives enter graphs and the tape. Every projection of a group takes the
 * group's inputs; the group computes all outputs once per inputs.
 *
 * <p>Printed as the group's name with its parameters, e.g. {@code while[cond={ lambda ... }
 * body={ lambda ... }]}; for a group of several outputs the first projection prints the nested graphs
 * ({@code out=0, ...}) and the others only their index ({@code while[out=1]}).
 */
record Projection(Group group, int k) implements CompilerPrimitive, Printer.Described {
    @Override
    public String name() {
        return group.name;
    }

    @Override
    public TensorType outputType(TensorType... inputs) {
        if (!Arrays.equals(inputs, group.inTypes)) {
            throw new IllegalArgumentException(group.name + ": inputs " + Arrays.toString(inputs)
                    + " do not match the types it was built for " + Arrays.toString(group.inTypes));
        }
        return group.outTypes[k];
    }

    @Override
    public Tensor compute(TensorType out, Tensor... inputs) {
        return group.output(k, inputs);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output) {
        return group.vjp(k, g, inputs, ~0);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output, int wanted) {
        return group.vjp(k, g, inputs, wanted);
    }

    /** The rule reruns the group from its inputs; the output is not read. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return arity >= 31 ? ~0 : (1 << arity) - 1;
    }

    @Override
    public Tensor jvp(Tensor[] inputs, Tensor[] tangents, Tensor output) {
        return group.jvp(k, inputs, tangents);
    }

    @Override
    public String parameters(String indent) {
        return group.parameters(k, indent);
    }

    /**
     * One example at a time: batching a loop or a branch in one call needs per-example predicates (a
     * while loop that runs until every example is done, masking the finished ones; a select for cond),
     * which no rule here implements yet; the loop is correct meanwhile.
     */
    @Override
    public Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        return Batching.byLoop(this, inputs, batched, size);
    }
}

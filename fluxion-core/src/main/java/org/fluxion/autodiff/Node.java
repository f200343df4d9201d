package org.fluxion.autodiff;

import org.fluxion.ops.Primitive;
import org.fluxion.tensor.Tensor;

/**
 * One recorded operation of the reverse-mode graph: {@code output = primitive(inputs)}.
 *
 * <p>It saves the inputs and the output for the primitive's VJP rule, with the storage version each had
 * at record time, so that an in-place write before backward is detected instead of giving a wrong
 * gradient. {@link #next} holds, per input, the node its cotangent flows to: the input's own
 * {@code gradFn}, the accumulator node of a leaf that requires grad, or null when the input is not
 * differentiated (constants, indices, conditions).
 *
 * <p>An accumulator node ({@link #primitive} null) stands for a leaf; backward adds its cotangent to the
 * leaf's {@code grad}.
 */
final class Node {
    final Primitive primitive;
    final Node[] next;
    /** For an accumulator node: the leaf whose gradient it accumulates. */
    final Tensor leaf;
    private Tensor[] inputs;
    private Tensor output;
    private final int[] versions;
    /** Saved tensors were released by a backward without retainGraph. */
    private boolean released;

    // Scratch state of one backward walk (walks over one graph are not concurrent).
    int pending;
    Tensor cotangent;
    long walk;

    Node(Primitive primitive, Tensor[] inputs, Tensor output, Node[] next) {
        this.primitive = primitive;
        this.inputs = inputs;
        this.output = output;
        this.next = next;
        this.leaf = null;
        this.versions = new int[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            versions[i] = inputs[i].storage().version();
        }
        versions[inputs.length] = output.storage().version();
    }

    /** An accumulator node for {@code leaf}. */
    Node(Tensor leaf) {
        this.primitive = null;
        this.next = new Node[0];
        this.leaf = leaf;
        this.versions = null;
    }

    boolean isAccumulator() {
        return primitive == null;
    }

    /**
     * The saved inputs, after checking that neither they nor the output were written in place since
     * record time and that a previous backward did not release them.
     */
    Tensor[] savedInputs() {
        if (released) {
            throw new IllegalStateException("backward: trying to go through the graph a second time: the tensors "
                    + "saved by " + primitive.name() + " were released by a previous backward (pass retainGraph = "
                    + "true to the first backward to keep them)");
        }
        for (int i = 0; i <= inputs.length; i++) {
            Tensor t = i < inputs.length ? inputs[i] : output;
            if (t.storage().version() != versions[i]) {
                throw new IllegalStateException("backward: " + (i < inputs.length ? "input " + i : "the output")
                        + " of " + primitive.name() + " (shape " + t.shape() + ", " + t.dtype().label()
                        + ") was modified in place after being saved for backward (version " + versions[i]
                        + " at record time, now " + t.storage().version() + "); clone it before modifying it");
            }
        }
        return inputs;
    }

    Tensor savedOutput() {
        return output;
    }

    /** Drops the saved tensors so that their memory can be reclaimed. */
    void release() {
        inputs = null;
        output = null;
        released = true;
    }
}

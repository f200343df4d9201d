package org.fluxion.autodiff;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.ops.Primitive;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * One recorded operation of the reverse-mode graph: {@code outputs = primitive(inputs)} (one output for
 * most primitives, several for a {@link org.fluxion.ops.MultiOutput}).
 *
 * <p>It saves the inputs and the outputs that the primitive's VJP rule reads ({@link Primitive#vjpReads}),
 * with the storage version each had at record time, so that an in-place write before backward is
 * detected instead of giving a wrong gradient. The tensors the rule does not read are not kept: the
 * rule gets a placeholder with their shape and dtype (a stride-0 view of one shared zero), so a chain of
 * adds on big tensors holds no memory until backward. {@link #next} holds, per input, the node its
 * cotangent flows to: the input's own {@code gradFn}, the accumulator node of a leaf that requires grad,
 * or null when the input is not differentiated (constants, indices, conditions); {@link #nextOutput} says
 * which output of that node the input is (PyTorch's {@code output_nr}).
 *
 * <p>An accumulator node ({@link #primitive} null) stands for a leaf; backward adds its cotangent to the
 * leaf's {@code grad}.
 */
final class Node {
    final Primitive primitive;
    final Node[] next;
    /** Per input, the output of {@code next[i]} it is; null when every one is output 0 (nearly always). */
    final int[] nextOutput;
    /** For an accumulator node: the leaf whose gradient it accumulates. */
    final Tensor leaf;
    private Tensor[] inputs;
    private Tensor[] outputs;
    private final int outputCount;
    private final int[] versions;
    /** Saved tensors were released by a backward without retainGraph. */
    private boolean released;

    // Scratch state of one backward walk (walks over one graph are not concurrent). Never used for an
    // accumulator node: walks over different graphs share it (see Backward).
    int pending;
    /** The cotangents received so far, one per output. */
    Tensor[] cotangents;
    long walk;

    /**
     * {@code reads}: the tensors to keep, as in {@link Primitive#vjpReads} (bit i: input i; bit n + k: output
     * k).
     */
    Node(Primitive primitive, Tensor[] inputs, Tensor[] outputs, Node[] next, int[] nextOutput, int reads) {
        this.primitive = primitive;
        this.next = next;
        this.nextOutput = nextOutput;
        this.leaf = null;
        int n = inputs.length;
        this.outputCount = outputs.length;
        this.versions = new int[n + outputs.length];
        this.inputs = keep(inputs, reads, 0);
        this.outputs = keep(outputs, reads, n);
    }

    /** The tensors whose bit (from {@code first} on) is set in {@code reads}; placeholders for the others. */
    private Tensor[] keep(Tensor[] ts, int reads, int first) {
        Tensor[] kept = ts.clone();
        for (int i = 0; i < ts.length; i++) {
            if ((reads & (1 << (first + i))) != 0) {
                versions[first + i] = storage(ts[i]).version();
            } else {
                kept[i] = placeholder(ts[i]);
                versions[first + i] = NOT_KEPT;
            }
        }
        return kept;
    }

    /** Version entry of a tensor that was not kept (nothing to check). */
    private static final int NOT_KEPT = -1;
    /** One zero element per dtype, shared by all placeholders (never written: views are read-only to rules). */
    private static final Storage[] ZERO = new Storage[DType.values().length];

    static {
        for (DType d : DType.values()) {
            ZERO[d.ordinal()] = Storage.allocate(d, 1);
        }
    }

    /** Zeros of {@code t}'s shape and dtype that cost one shared element: stands for an unread tensor. */
    private static Tensor placeholder(Tensor t) {
        if (t.size() <= 1) {
            return t; // keeping a single element is as cheap as replacing it
        }
        return TensorInternals.view(ZERO[t.dtype().ordinal()], t.shape(), new int[t.rank()], 0);
    }

    /** An accumulator node for {@code leaf}. */
    Node(Tensor leaf) {
        this.primitive = null;
        this.next = new Node[0];
        this.nextOutput = null;
        this.outputCount = 1;
        this.leaf = leaf;
        this.versions = null;
    }

    boolean isAccumulator() {
        return primitive == null;
    }

    /** How many outputs the operation has (1 for an accumulator). */
    int outputCount() {
        return outputCount;
    }

    /** The output of {@code next[i]} that input {@code i} is. */
    int nextOutput(int i) {
        return nextOutput == null ? 0 : nextOutput[i];
    }

    /** Bit {@code i} set when input {@code i} leads to something that needs a gradient. */
    int wanted() {
        int bits = 0;
        for (int i = 0; i < next.length; i++) {
            if (next[i] != null) {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    /**
     * The saved inputs, after checking that neither they nor the outputs were written in place since
     * record time and that a previous backward did not release them.
     */
    Tensor[] savedInputs() {
        if (released) {
            throw new IllegalStateException("backward: trying to go through the graph a second time: the tensors "
                    + "saved by " + primitive.name() + " were released by a previous backward (pass retainGraph = "
                    + "true to the first backward to keep them)");
        }
        int n = inputs.length;
        for (int i = 0; i < versions.length; i++) {
            Tensor t = i < n ? inputs[i] : outputs[i - n];
            if (versions[i] != NOT_KEPT && storage(t).version() != versions[i]) {
                String what = i < n ? "input " + i : outputs.length == 1 ? "the output" : "output " + (i - n);
                throw new IllegalStateException("backward: " + what
                        + " of " + primitive.name() + " (shape " + t.shape() + ", " + t.dtype().label()
                        + ") was modified in place after being saved for backward (version " + versions[i]
                        + " at record time, now " + storage(t).version() + "); clone it before modifying it");
            }
        }
        return inputs;
    }

    Tensor[] savedOutputs() {
        return outputs;
    }

    /** Drops the saved tensors so that their memory can be reclaimed. */
    void release() {
        inputs = null;
        outputs = null;
        released = true;
    }
}

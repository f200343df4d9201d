package org.fluxion.autodiff;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.ops.Primitive;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * One recorded operation of the reverse-mode graph: {@code output = primitive(inputs)}.
 *
 * <p>It saves the inputs and the output that the primitive's VJP rule reads ({@link Primitive#vjpReads}),
 * with the storage version each had at record time, so that an in-place write before backward is
 * detected instead of giving a wrong gradient. The tensors the rule does not read are not kept: the
 * rule gets a placeholder with their shape and dtype (a stride-0 view of one shared zero), so a chain of
 * adds on big tensors holds no memory until backward. {@link #next} holds, per input, the node its cotangent flows to: the input's own
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

    // Scratch state of one backward walk (walks over one graph are not concurrent). Never used for an
    // accumulator node: walks over different graphs share it (see Backward).
    int pending;
    Tensor cotangent;
    long walk;

    /** {@code reads}: the tensors to keep, as in {@link Primitive#vjpReads} (bit i: input i; bit n: output). */
    Node(Primitive primitive, Tensor[] inputs, Tensor output, Node[] next, int reads) {
        this.primitive = primitive;
        this.next = next;
        this.leaf = null;
        int n = inputs.length;
        this.versions = new int[n + 1];
        Tensor[] kept = inputs.clone();
        for (int i = 0; i < n; i++) {
            if ((reads & (1 << i)) != 0) {
                versions[i] = storage(inputs[i]).version();
            } else {
                kept[i] = placeholder(inputs[i]);
                versions[i] = NOT_KEPT;
            }
        }
        this.inputs = kept;
        if ((reads & (1 << n)) != 0) {
            this.output = output;
            versions[n] = storage(output).version();
        } else {
            this.output = placeholder(output);
            versions[n] = NOT_KEPT;
        }
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

    Tensor[] savedInputs() {
        if (released) {
            throw new IllegalStateException("backward: trying to go through the graph a second time: the tensors "
                    + "saved by " + primitive.name() + " were released by a previous backward (pass retainGraph = "
                    + "true to the first backward to keep them)");
        }
        for (int i = 0; i <= inputs.length; i++) {
            Tensor t = i < inputs.length ? inputs[i] : output;
            if (versions[i] != NOT_KEPT && storage(t).version() != versions[i]) {
                throw new IllegalStateException("backward: " + (i < inputs.length ? "input " + i : "the output")
                        + " of " + primitive.name() + " (shape " + t.shape() + ", " + t.dtype().label()
                        + ") was modified in place after being saved for backward (version " + versions[i]
                        + " at record time, now " + storage(t).version() + "); clone it before modifying it");
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

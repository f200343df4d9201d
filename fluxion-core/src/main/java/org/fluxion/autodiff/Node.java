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
    /** The output of a node of one output; null for a node of several, which has {@link #outputs}. */
    private Tensor output;
    private Tensor[] outputs;
    private final int outputCount;
    /**
     * Per saved tensor (inputs, then outputs), its storage version at record time, or {@link #NOT_KEPT};
     * null when nothing was kept (add, sub: their rules read no values).
     */
    private int[] versions;
    /** Saved tensors were released by a backward without retainGraph. */
    private boolean released;

    // Scratch state of one backward walk (walks over one graph are not concurrent). Never used for an
    // accumulator node: walks over different graphs share it (see Backward).
    int pending;
    long walk;
    /** The cotangent received so far by output 0; by the others in {@link #moreCotangents}. */
    private Tensor cotangent;
    /** For a node of several outputs, the cotangents received so far by outputs 1, 2, ... */
    private Tensor[] moreCotangents;

    /**
     * A node of one output. {@code reads}: the tensors to keep, as in {@link Primitive#vjpReads} (bit i:
     * input i; bit n: the output).
     */
    Node(Primitive primitive, Tensor[] inputs, Tensor output, Node[] next, int[] nextOutput, int reads) {
        this.primitive = primitive;
        this.next = next;
        this.nextOutput = nextOutput;
        this.leaf = null;
        int n = inputs.length;
        this.outputCount = 1;
        this.inputs = keep(inputs, reads, 0, n + 1);
        this.output = keep(output, reads, n, n + 1);
    }

    /** A node of several outputs; {@code reads} as above (bit n + k: output k). */
    Node(Primitive primitive, Tensor[] inputs, Tensor[] outputs, Node[] next, int[] nextOutput, int reads) {
        this.primitive = primitive;
        this.next = next;
        this.nextOutput = nextOutput;
        this.leaf = null;
        int n = inputs.length;
        int saved = n + outputs.length;
        this.outputCount = outputs.length;
        this.inputs = keep(inputs, reads, 0, saved);
        this.outputs = keep(outputs, reads, n, saved);
    }

    /**
     * A copy of {@code ts} (the caller may reuse its array) with placeholders for the tensors whose bit
     * (from {@code first} on) is not set in {@code reads}.
     */
    private Tensor[] keep(Tensor[] ts, int reads, int first, int saved) {
        Tensor[] kept = ts.clone();
        for (int i = 0; i < ts.length; i++) {
            kept[i] = keep(ts[i], reads, first + i, saved);
        }
        return kept;
    }

    /** {@code t} when bit {@code bit} of {@code reads} is set (its version noted), else its placeholder. */
    private Tensor keep(Tensor t, int reads, int bit, int saved) {
        if ((reads & (1 << bit)) == 0) {
            if (versions != null) {
                versions[bit] = NOT_KEPT;
            }
            return placeholder(t);
        }
        if (versions == null) {
            versions = new int[saved];
            java.util.Arrays.fill(versions, 0, bit, NOT_KEPT);
        }
        versions[bit] = storage(t).version();
        return t;
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
    }

    boolean isAccumulator() {
        return primitive == null;
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
        if (versions == null) {
            return inputs;
        }
        int n = inputs.length;
        for (int i = 0; i < versions.length; i++) {
            Tensor t = i < n ? inputs[i] : output != null ? output : outputs[i - n];
            if (versions[i] != NOT_KEPT && storage(t).version() != versions[i]) {
                String what = i < n ? "input " + i : outputCount == 1 ? "the output" : "output " + (i - n);
                throw new IllegalStateException("backward: " + what
                        + " of " + primitive.name() + " (shape " + t.shape() + ", " + t.dtype().label()
                        + ") was modified in place after being saved for backward (version " + versions[i]
                        + " at record time, now " + storage(t).version() + "); clone it before modifying it");
            }
        }
        return inputs;
    }

    /** The saved output 0 (a placeholder when the rule does not read it). */
    Tensor savedOutput() {
        return outputs == null ? output : outputs[0];
    }

    /** The saved outputs, one per output. */
    Tensor[] savedOutputs() {
        return outputs == null ? new Tensor[] {output} : outputs;
    }

    /** Drops the saved tensors so that their memory can be reclaimed. */
    void release() {
        inputs = null;
        output = null;
        outputs = null;
        released = true;
    }

    // ---------------------------------------------------------------- the walk's cotangents

    /** The state of a walk at one node, kept aside while a nested walk uses the node (see Backward). */
    record WalkState(Node node, long walk, int pending, Tensor cotangent, Tensor[] moreCotangents) {
    }

    /** This node's walk state, to be given back with {@link #restoreWalk}. */
    WalkState walkState() {
        return new WalkState(this, walk, pending, cotangent, moreCotangents);
    }

    /** Puts back the walk state {@code s} taken from this node. */
    void restoreWalk(WalkState s) {
        walk = s.walk();
        pending = s.pending();
        cotangent = s.cotangent();
        moreCotangents = s.moreCotangents();
    }

    /** Starts walk {@code walk} at this node: no cotangent received, no consumer counted. */
    void startWalk(long walk) {
        this.walk = walk;
        pending = 0;
        cotangent = null;
        moreCotangents = outputCount > 1 ? new Tensor[outputCount - 1] : null;
    }

    /** Adds {@code g} to the cotangent received by output {@code o}. */
    void receive(int o, Tensor g) {
        if (o == 0) {
            cotangent = cotangent == null ? g : cotangent.add(g);
        } else {
            Tensor acc = moreCotangents[o - 1];
            moreCotangents[o - 1] = acc == null ? g : acc.add(g);
        }
    }

    /** The cotangent received by output {@code o}, or null when none arrived. */
    Tensor received(int o) {
        return o == 0 ? cotangent : moreCotangents[o - 1];
    }

    /** True when some output received a cotangent. */
    boolean receivedAny() {
        if (cotangent != null) {
            return true;
        }
        if (moreCotangents != null) {
            for (Tensor g : moreCotangents) {
                if (g != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The cotangents received, one per output (null where none arrived). */
    Tensor[] receivedAll() {
        Tensor[] all = new Tensor[outputCount];
        all[0] = cotangent;
        if (moreCotangents != null) {
            System.arraycopy(moreCotangents, 0, all, 1, moreCotangents.length);
        }
        return all;
    }

    /** Forgets the received cotangents once used, so that their memory can be reclaimed. */
    void clearReceived() {
        cotangent = null;
        moreCotangents = null;
    }
}

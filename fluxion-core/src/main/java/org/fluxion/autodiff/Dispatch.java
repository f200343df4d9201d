package org.fluxion.autodiff;

import org.fluxion.ops.Ops;
import org.fluxion.ops.Primitive;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The autodiff side of {@link org.fluxion.ops.Ops#bind}, taken only when an input carries autograd
 * metadata. It does two things:
 * <ol>
 *   <li><b>forward mode</b>: for the innermost visible level at which an input has a tangent, it computes
 *       the primal (recursively, for outer levels) and then the primitive's JVP rule with that level
 *       hidden, and attaches the result as the output's tangent;</li>
 *   <li><b>reverse mode</b>: when grad mode is on and an input is tracked, it records a {@link Node}.</li>
 * </ol>
 * Only floating-point outputs are differentiated: comparisons, arg-reductions and integer casts cut the
 * graph.
 */
public final class Dispatch {
    private Dispatch() {
    }

    public static Tensor bind(Primitive primitive, Tensor[] inputs, TensorType outType) {
        return bindAll(primitive, inputs, new TensorType[] {outType})[0];
    }

    /** {@link #bind} for all outputs of a primitive: one node on the tape, one tangent per output. */
    public static Tensor[] bindAll(Primitive primitive, Tensor[] inputs, TensorType[] outTypes) {
        AutodiffState state = AutodiffState.current();
        for (int k = state.visible - 1; k >= 0; k--) {
            ForwardLevel level = state.levels.get(k);
            Tensor[] tangents = null;
            for (int i = 0; i < inputs.length; i++) {
                AutogradMeta meta = inputs[i].autogradMeta();
                Tensor t = meta == null ? null : meta.tangentAt(level);
                if (t != null) {
                    if (tangents == null) {
                        tangents = new Tensor[inputs.length];
                    }
                    tangents[i] = t;
                }
            }
            if (tangents != null) {
                int saved = state.visible;
                state.visible = k;
                try {
                    Tensor[] outs = bindAll(primitive, inputs, outTypes);
                    if (anyFloatingPoint(outs)) {
                        Tensor[] ts = primitive.jvpAll(inputs, tangents, outs);
                        for (int o = 0; o < outs.length; o++) {
                            if (ts[o] != null && outs[o].dtype().isFloatingPoint()) {
                                attachTangent(outs[o], level, fit(ts[o], outs[o]));
                            }
                        }
                    }
                    return outs;
                } finally {
                    state.visible = saved;
                }
            }
        }
        Tensor[] outs = Ops.evaluateAll(primitive, outTypes, inputs);
        if (state.gradEnabled && anyFloatingPoint(outs)) {
            record(primitive, inputs, outs);
        }
        return outs;
    }

    private static boolean anyFloatingPoint(Tensor[] ts) {
        for (Tensor t : ts) {
            if (t.dtype().isFloatingPoint()) {
                return true;
            }
        }
        return false;
    }

    private static void record(Primitive primitive, Tensor[] inputs, Tensor[] outs) {
        Node[] next = null;
        int[] nextOutput = null;
        int wanted = 0;
        for (int i = 0; i < inputs.length; i++) {
            AutogradMeta meta = inputs[i].autogradMeta();
            if (meta != null && meta.tracked() && inputs[i].dtype().isFloatingPoint()) {
                if (next == null) {
                    next = new Node[inputs.length];
                }
                next[i] = meta.gradFn != null ? meta.gradFn : accumulator(inputs[i], meta);
                if (meta.gradFn != null && meta.gradFnOutput != 0) {
                    if (nextOutput == null) {
                        nextOutput = new int[inputs.length];
                    }
                    nextOutput[i] = meta.gradFnOutput;
                }
                wanted |= 1 << i;
            }
        }
        if (next != null) {
            Node node = new Node(primitive, inputs, outs, next, nextOutput, primitive.vjpReads(wanted, inputs.length));
            for (int o = 0; o < outs.length; o++) {
                // Integer outputs (top-k's indices, a loop's counter) have no derivative: they stay untracked.
                if (outs[o].dtype().isFloatingPoint()) {
                    AutogradMeta m = meta(outs[o]);
                    m.gradFn = node;
                    m.gradFnOutput = o;
                }
            }
        }
    }

    static Node accumulator(Tensor leaf, AutogradMeta meta) {
        Node a = meta.accumulator;
        if (a == null) {
            synchronized (meta) {
                a = meta.accumulator;
                if (a == null) {
                    a = new Node(leaf);
                    meta.accumulator = a;
                }
            }
        }
        return a;
    }

    /** The tensor's metadata, created when missing. */
    static AutogradMeta meta(Tensor t) {
        AutogradMeta m = t.autogradMeta();
        if (m == null) {
            m = new AutogradMeta();
            t.autogradMeta(m);
        }
        return m;
    }

    static void attachTangent(Tensor t, ForwardLevel level, Tensor tangent) {
        AutogradMeta m = meta(t);
        m.tangents = new AutogradMeta.Tangent(level, tangent, m.tangents);
    }

    /** A rule's tangent made to match the output: broadcast rules may return a smaller shape. */
    private static Tensor fit(Tensor t, Tensor out) {
        if (!t.shape().equals(out.shape())) {
            t = t.broadcastTo(out.shape());
        }
        return t.to(out.dtype());
    }
}

package org.fluxion.autodiff;

import org.fluxion.ops.Interpreter;
import org.fluxion.ops.MultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.StorageTypes;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Autodiff's {@link Interpreter}, to which {@link Ops#bind} hands a primitive when an input carries autodiff
 * state ({@link AutogradMeta}). It is the innermost transformation (highest level): forward and reverse mode
 * work on any tensor, traced or not, so their own operations are applied below them with
 * {@link Ops#bindBelow} (run, or recorded by jit while tracing). It does two things:
 * <ol>
 *   <li><b>forward mode</b>: for the innermost visible level at which an input has a tangent, it computes
 *       the primal (recursively, for outer levels) and then the primitive's JVP rule with that level
 *       hidden, and attaches the result as the output's tangent;</li>
 *   <li><b>reverse mode</b>: when grad mode is on and an input is tracked, it records a {@link Node}.</li>
 * </ol>
 * Only floating-point outputs are differentiated: comparisons, arg-reductions and integer casts cut the
 * graph.
 */
final class Dispatch implements Interpreter {
    static final Dispatch INTERPRETER = new Dispatch();

    private Dispatch() {
    }

    /** Above every trace: autodiff nests by its own forward levels and grad mode, not by interpreter level. */
    @Override
    public int level() {
        return Integer.MAX_VALUE;
    }

    /** All outputs of a primitive: one node on the tape, one tangent per output. */
    @Override
    public Tensor[] process(Primitive primitive, TensorType[] outs, Tensor[] inputs) {
        return bindAll(primitive, inputs, outs);
    }

    /**
     * A primitive of one output without forward mode (the eager tape's every operation): as {@link #process}
     * but without its one-element arrays. With forward levels visible, or for a {@link MultiOutput}, it
     * takes the general path.
     */
    @Override
    public Tensor processOne(Primitive primitive, TensorType out, Tensor[] inputs) {
        AutodiffState state = AutodiffState.current();
        if (state.visible > 0 || primitive instanceof MultiOutput) {
            return bindAll(primitive, inputs, new TensorType[] {out})[0];
        }
        // Below autodiff there is usually nothing (no jit trace): then the kernel runs without the search.
        Tensor y = traced(inputs) ? Ops.bindOneBelow(INTERPRETER, primitive, out, inputs)
                : StorageTypes.compute(primitive, out, inputs);
        if (state.gradEnabled && y.dtype().isFloatingPoint()) {
            Node node = newNode(primitive, inputs, y, null);
            if (node != null) {
                AutogradMeta m = meta(y);
                m.gradFn = node;
                m.gradFnOutput = 0;
            }
        }
        return y;
    }

    /** True when an input carries the state of a transformation further out than autodiff (jit's tracer). */
    private static boolean traced(Tensor[] inputs) {
        for (Tensor t : inputs) {
            Interpreter.State s = Interpreter.stateOf(t);
            if (s != null && (!(s instanceof AutogradMeta m) || m.lower() != null)) {
                return true;
            }
        }
        return false;
    }

    private static Tensor[] bindAll(Primitive primitive, Tensor[] inputs, TensorType[] outTypes) {
        AutodiffState state = AutodiffState.current();
        for (int k = state.visible - 1; k >= 0; k--) {
            ForwardLevel level = state.levels.get(k);
            Tensor[] tangents = null;
            for (int i = 0; i < inputs.length; i++) {
                AutogradMeta meta = AutogradMeta.of(inputs[i]);
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
        Tensor[] outs = Ops.bindBelow(INTERPRETER, primitive, outTypes, inputs);
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
        Node node = newNode(primitive, inputs, null, outs);
        if (node != null) {
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

    /**
     * The node recording {@code primitive(inputs)}, whose outputs are {@code output} alone or, when it is
     * null, {@code outs}; null when no input is tracked (nothing to record).
     */
    private static Node newNode(Primitive primitive, Tensor[] inputs, Tensor output, Tensor[] outs) {
        Node[] next = null;
        int[] nextOutput = null;
        int wanted = 0;
        for (int i = 0; i < inputs.length; i++) {
            AutogradMeta meta = AutogradMeta.of(inputs[i]);
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
        if (next == null) {
            return null;
        }
        int reads = primitive.vjpReads(wanted, inputs.length);
        return output != null ? new Node(primitive, inputs, output, next, nextOutput, reads)
                : new Node(primitive, inputs, outs, next, nextOutput, reads);
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

    /** The tensor's autodiff state, created when missing (over its state for jit's tracing, if any). */
    static AutogradMeta meta(Tensor t) {
        Interpreter.State s = Interpreter.stateOf(t);
        if (s instanceof AutogradMeta m) {
            return m;
        }
        AutogradMeta m = new AutogradMeta(s);
        TensorInternals.setState(t, m);
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

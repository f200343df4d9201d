package org.fluxion.autodiff;

import org.fluxion.ops.Interpreter;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Primitive;
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

    @Override
    public Tensor process(Primitive primitive, TensorType out, Tensor[] inputs) {
        return bind(primitive, inputs, out);
    }

    private static Tensor bind(Primitive primitive, Tensor[] inputs, TensorType outType) {
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
                    Tensor out = bind(primitive, inputs, outType);
                    if (out.dtype().isFloatingPoint()) {
                        Tensor t = primitive.jvp(inputs, tangents, out);
                        if (t != null) {
                            attachTangent(out, level, fit(t, out));
                        }
                    }
                    return out;
                } finally {
                    state.visible = saved;
                }
            }
        }
        Tensor out = Ops.bindBelow(INTERPRETER, primitive, outType, inputs);
        if (state.gradEnabled && out.dtype().isFloatingPoint()) {
            record(primitive, inputs, out);
        }
        return out;
    }

    private static void record(Primitive primitive, Tensor[] inputs, Tensor out) {
        Node[] next = null;
        int wanted = 0;
        for (int i = 0; i < inputs.length; i++) {
            AutogradMeta meta = AutogradMeta.of(inputs[i]);
            if (meta != null && meta.tracked() && inputs[i].dtype().isFloatingPoint()) {
                if (next == null) {
                    next = new Node[inputs.length];
                }
                next[i] = meta.gradFn != null ? meta.gradFn : accumulator(inputs[i], meta);
                wanted |= 1 << i;
            }
        }
        if (next != null) {
            meta(out).gradFn = new Node(primitive, inputs, out, next, primitive.vjpReads(wanted, inputs.length));
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

    /** The tensor's autodiff state, created when missing (over its state for jit's tracing, if any). */
    static AutogradMeta meta(Tensor t) {
        Interpreter.State s = TensorInternals.state(t);
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

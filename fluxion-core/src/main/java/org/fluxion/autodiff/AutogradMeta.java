package org.fluxion.autodiff;

import org.fluxion.ops.Interpreter;
import org.fluxion.tensor.Tensor;

/**
 * The autodiff state of one tensor, its {@link Interpreter.State} (a tensor that takes part in no
 * differentiation has none): autodiff is the innermost transformation, so this state stands on the
 * tensor's state for jit's tracing when it is traced ({@link #lower}).
 * <ul>
 *   <li>a leaf that {@code requiresGrad} accumulates its gradient in {@link #grad} through its
 *       {@link #accumulator} node;</li>
 *   <li>the output of a recorded operation has {@link #gradFn}, the node that made it;</li>
 *   <li>in forward mode, a list of tangents, one per active {@link ForwardLevel}.</li>
 * </ul>
 */
final class AutogradMeta implements Interpreter.State {
    /** The tensor's state for the transformations further out (its graph value while traced), or null. */
    private final Interpreter.State lower;
    boolean requiresGrad;
    /**
     * The accumulated gradient. Written under this object's lock (concurrent backward calls may end in the
     * same leaf); volatile so that a reader sees a gradient's elements once it sees the gradient.
     */
    volatile Tensor grad;
    Node gradFn;
    /** Which output of {@link #gradFn} this tensor is: 0 but for a primitive of several outputs. */
    int gradFnOutput;
    /**
     * The node that receives this leaf's cotangent in backward; created on first use, under this object's
     * lock, so that threads recording with a shared leaf get the same node.
     */
    volatile Node accumulator;
    Tangent tangents;

    AutogradMeta(Interpreter.State lower) {
        this.lower = lower;
    }

    /** The autodiff state of {@code t}, or null when it takes part in no differentiation. */
    static AutogradMeta of(Tensor t) {
        return Interpreter.stateOf(t) instanceof AutogradMeta m ? m : null;
    }

    @Override
    public Interpreter interpreter() {
        return Dispatch.INTERPRETER;
    }

    @Override
    public Interpreter.State lower() {
        return lower;
    }

    /** A detached view takes part in no differentiation; a traced tensor's view stays traced. */
    @Override
    public Interpreter.State detached() {
        return lower;
    }

    /** A tangent of the tensor at one forward level (a short linked list: levels are few). */
    record Tangent(ForwardLevel level, Tensor value, Tangent next) {
    }

    /** The tangent of this tensor at {@code level}, or null (zero). */
    Tensor tangentAt(ForwardLevel level) {
        for (Tangent t = tangents; t != null; t = t.next) {
            if (t.level == level) {
                return t.value;
            }
        }
        return null;
    }

    /** True when reverse mode must track the tensor: a leaf that requires grad, or an operation's output. */
    boolean tracked() {
        return requiresGrad || gradFn != null;
    }
}

package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorState;
import org.fluxion.tensor.TensorType;

/**
 * A transformation that interprets primitives (autodidax's {@code Trace}): autodiff (reverse-mode tape and
 * forward-mode tangents) and jit's tracing (one per trace being recorded) implement it in the layers above.
 *
 * <p>A tensor carries at most one {@link State}, that of the innermost transformation it takes part in;
 * {@link Ops#bind} gives the primitive to the interpreter of the highest {@link #level} among its inputs'
 * states (autodidax's {@code find_top_trace}), and a tensor without state costs one null check. The
 * interpreter does its part (records a node, computes a tangent, appends an equation) and applies the
 * primitive one level further out with {@link Ops#bindBelow}; the outermost level runs the kernel.
 */
public interface Interpreter {
    /**
     * The state {@code t} carries (that of the innermost transformation it takes part in), or null. Every state
     * is an interpreter's: the tensor layer keeps it as a {@link TensorState}.
     */
    static State stateOf(Tensor t) {
        return (State) TensorInternals.state(t);
    }

    /** Nesting position: among the inputs' states, the interpreter with the highest level goes first. */
    int level();

    /**
     * Applies {@code primitive} to {@code inputs}, at least one of which carries a state of this
     * interpreter, and returns its outputs (one for most primitives, several for a {@link MultiOutput});
     * {@code outs} are the types the primitive's shape rule gave.
     */
    Tensor[] process(Primitive primitive, TensorType[] outs, Tensor[] inputs);

    /**
     * {@link #process} for a primitive of one output ({@link Ops#bind}): that output. An interpreter on the
     * eager hot path (autodiff's tape) overrides it to spare the one-element arrays of the general form,
     * which a loop over tiny tensors pays on every operation.
     */
    default Tensor processOne(Primitive primitive, TensorType out, Tensor[] inputs) {
        return process(primitive, new TensorType[] {out}, inputs)[0];
    }

    /**
     * The transformation state of one tensor (autodidax's {@code Tracer}): a tape node, tangents, a graph
     * value. A state may stand on the state of an outer transformation ({@link #lower}): a tensor that
     * requires grad while jit traces it carries autodiff's state, over the graph value it stands for.
     */
    interface State extends TensorState {
        /** The interpreter that handles primitives applied to a tensor carrying this state. */
        Interpreter interpreter();

        /** The same tensor's state for the transformations further out (lower levels), or null. */
        @Override
        State lower();

        /**
         * The state of a detached view of the tensor (stop-gradient): a derivative's state gives its
         * {@link #lower} one, a state that derivatives do not flow through itself.
         */
        default State detached() {
            return this;
        }
    }
}

package org.fluxion.jit.passes;

import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.ops.IntoBuffer;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A step a pattern pass writes into an optimized plan in place of the equations it fuses: its output type is fixed
 * when the pass creates it, it computes into the plan's recycled buffers, and it has no derivative or batching rules,
 * because plans are built after tracing and differentiation and {@code vmap} interprets the traced graph, never a
 * plan.
 */
interface PlanStep extends CompilerPrimitive, IntoBuffer {
    /** The output's type, fixed by the pass. */
    TensorType type();

    /** The traced operations it was rewritten from, as {@link #batch}'s refusal names them. */
    String rewrittenFrom();

    @Override
    default TensorType outputType(TensorType... inputs) {
        return type();
    }

    @Override
    default Tensor compute(TensorType out, Tensor... in) {
        return computeInto(Storage.allocate(type().dtype(), type().shape().size()), in);
    }

    /** Refused: {@code vmap} never meets a plan's steps (it batches what they were rewritten from). */
    @Override
    default Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        throw new UnsupportedOperationException(name() + ": exists only in compiled plans, which vmap never "
                + "interprets; vmap batches the traced " + rewrittenFrom() + " it was rewritten from");
    }
}

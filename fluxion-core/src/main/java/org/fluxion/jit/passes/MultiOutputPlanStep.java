package org.fluxion.jit.passes;

import org.fluxion.ops.CompilerMultiOutput;
import org.fluxion.ops.IntoBuffers;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * {@link PlanStep} for a step of several outputs a pattern pass writes into an optimized plan: it computes into the
 * plan's recycled buffers, and it has no derivative or batching rules, because plans are built after tracing and
 * differentiation and no transform reads them.
 */
interface MultiOutputPlanStep extends CompilerMultiOutput, IntoBuffers {
    /** The traced operations it was rewritten from, as the refusals name them. */
    String rewrittenFrom();

    @Override
    default Tensor[] computeAll(TensorType[] outputs, Tensor... inputs) {
        return computeInto(new Storage[outputs.length], inputs);
    }

    @Override
    default Tensor[] vjpAll(Tensor[] cotangents, Tensor[] inputs, Tensor[] outputs, int wanted) {
        throw refused();
    }

    @Override
    default Tensor[] jvpAll(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs) {
        throw refused();
    }

    @Override
    default Tensor[] batchAll(Tensor[] inputs, boolean[] batched, int size) {
        throw refused();
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException(name() + ": exists only in compiled plans, which are not "
                + "differentiated or batched again; those transforms apply to the traced " + rewrittenFrom()
                + " it was rewritten from");
    }
}

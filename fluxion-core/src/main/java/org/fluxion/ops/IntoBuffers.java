package org.fluxion.ops;

import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * {@link IntoBuffer} for a primitive of several outputs (a fused optimizer update returning the update and
 * both moments): the plan passes a storage per output, or null where the primitive allocates its own.
 */
public interface IntoBuffers {
    /**
     * Computes every output, output {@code k} into {@code buffers[k]} when it is not null (of that output's dtype
     * and size), and returns them.
     */
    Tensor[] computeInto(Storage[] buffers, Tensor[] inputs);

    /** As {@link IntoBuffer#mayWriteOver}, for output {@code output} written over input {@code input}. */
    default boolean mayWriteOver(int output, int input) {
        return false;
    }
}

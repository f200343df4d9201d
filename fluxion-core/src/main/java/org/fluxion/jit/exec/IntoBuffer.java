package org.fluxion.jit.exec;

import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * A compiled step that can write its result into a buffer the plan recycles (buffer reuse), instead of
 * allocating: fused kernels and GEMMs with a bias.
 */
public interface IntoBuffer {
    /** Computes the result into {@code buffer} (of the output's dtype and size) and returns it as a tensor. */
    Tensor computeInto(Storage buffer, Tensor[] inputs);
}

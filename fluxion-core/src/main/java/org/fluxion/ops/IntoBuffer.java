package org.fluxion.ops;

import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * A primitive that can write its result into a buffer a compiled plan recycles (buffer reuse), or into the
 * storage of an argument the caller donated, instead of allocating: fused kernels, products, convolutions and
 * their gradients, pooling. Its result never aliases its inputs. It lives here, beside {@link Primitive}, so
 * that the primitives of this package implement it; the plans of {@code org.fluxion.jit.exec} use it.
 */
public interface IntoBuffer {
    /** Computes the result into {@code buffer} (of the output's dtype and size) and returns it as a tensor. */
    Tensor computeInto(Storage buffer, Tensor[] inputs);

    /**
     * True when the result may be written over input {@code input} in this very step: each element of that input
     * is read only to compute the element of the result at the same index (an elementwise kernel reading it
     * dense). A donated argument read last by this step can then hold the result, as an optimizer updates a
     * parameter in place. False by default (a GEMM reads its operands many times).
     */
    default boolean mayWriteOver(int input) {
        return false;
    }
}

package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.Strided;
import org.fluxion.tensor.Tensor;

/** The bridge from tensors to kernels, which take arrays and strides ({@link Strided}), never tensors. */
public final class KernelViews {
    private KernelViews() {
    }

    /** {@code t}'s backing array, offset, dims and strides; {@code t} must be concrete (not traced). */
    public static Strided strided(Tensor t) {
        return new Strided(storage(t).array(), t.offset(), t.dims(), t.strides());
    }
}

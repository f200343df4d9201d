package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/** Matrix products. */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        throw new UnsupportedOperationException("matmul is not implemented yet");
    }
}

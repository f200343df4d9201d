package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/** Small helpers shared by the JVP/VJP rules of the primitives. */
final class Rules {
    private Rules() {
    }

    /** A scalar of {@code like}'s dtype (a floating-point dtype in rules). */
    static Tensor constantLike(double value, Tensor like) {
        return Tensor.scalar(value, like.dtype());
    }

    /** Zeros of {@code like}'s shape, in {@code dtypeOf}'s dtype: the tangent that a null stands for. */
    static Tensor zerosLike(Tensor like, Tensor dtypeOf) {
        return Tensor.zeros(dtypeOf.dtype(), like.dims());
    }

    /** The tangent, or zeros of the input's shape when it is null. */
    static Tensor orZeros(Tensor tangent, Tensor input, Tensor dtypeOf) {
        return tangent != null ? tangent : zerosLike(input, dtypeOf);
    }
}

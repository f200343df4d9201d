package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Random numbers as pure functions of an int64 key tensor, which jit and vmap take like any input
 * ({@link RandomUniform} is the primitive). The same key, stream and shape give the same numbers, eagerly,
 * compiled and batched; a new key gives new numbers without retracing a compiled function.
 */
public final class Randomness {
    private Randomness() {
    }

    /**
     * Uniform numbers in {@code [0, 1)} of shape {@code key.shape ++ dims} ({@code dims} for a scalar key).
     *
     * @throws IllegalArgumentException when the key is not int64 or {@code dtype} is not floating point
     */
    public static Tensor uniform(Tensor key, long stream, DType dtype, int... dims) {
        return Ops.bind(new RandomUniform(stream, Shape.of("uniform", dims), dtype), key);
    }

    /**
     * A bool mask of shape {@code key.shape ++ dims} whose elements are true with probability {@code p}
     * ({@code uniform < p}).
     */
    public static Tensor bernoulli(Tensor key, long stream, double p, int... dims) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli: p must be in [0, 1], got " + p);
        }
        return uniform(key, stream, DType.FLOAT32, dims).lt(p);
    }
}

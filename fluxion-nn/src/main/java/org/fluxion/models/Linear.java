package org.fluxion.models;

import java.util.random.RandomGenerator;
import org.fluxion.nn.Functions;
import org.fluxion.nn.Init;
import org.fluxion.nn.LayerInputException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Fully connected layer (Keras's and Flux's Dense), as data: {@code y = x W^T + b}.
 *
 * <p>Shapes: input {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null, output
 * {@code [..., out]}. The layout is PyTorch's, so state dicts carry over. The record holds any tensors (a
 * tree of per-example gradients from {@code vmap} has this structure with a batch axis in front); shapes are
 * checked when the layer is applied.
 *
 * @param weight {@code [out, in]}
 * @param bias   {@code [out]}, or null for none
 */
public record Linear(Tensor weight, Tensor bias) implements Layer {
    public Linear {
        if (weight == null) {
            throw new IllegalArgumentException("Linear: weight must not be null");
        }
    }

    /** A float32 layer {@code in -> out} with bias, PyTorch's initialization {@code U(-1/sqrt(in), 1/sqrt(in))}. */
    public static Linear create(int in, int out, RandomGenerator rng) {
        return create(in, out, true, DType.FLOAT32, rng);
    }

    /** A layer {@code in -> out} of the given dtype, with or without bias, PyTorch's initialization. */
    public static Linear create(int in, int out, boolean bias, DType dtype, RandomGenerator rng) {
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException("Linear: in and out must be >= 0, got " + in + " and " + out);
        }
        return new Linear(Init.uniformFanIn(rng, in, dtype, out, in), bias ? Init.uniformFanIn(rng, in, dtype, out) : null);
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        if (weight.rank() != 2 || bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException(this + ": weight must be [out, in] and bias [out] or null, got "
                    + weight.shape() + " and " + (bias == null ? "null" : bias.shape()));
        }
        if (x.rank() == 0 || x.dim(x.rank() - 1) != weight.dim(1)) {
            throw new LayerInputException(toString(), "expected input [..., " + weight.dim(1) + "], got " + x.shape());
        }
        return new Applied(Functions.linear(x, weight, bias), this);
    }

    @Override
    public String toString() {
        return weight.rank() == 2 ? "Linear " + weight.dim(1) + "->" + weight.dim(0) : "Linear " + weight.shape();
    }
}

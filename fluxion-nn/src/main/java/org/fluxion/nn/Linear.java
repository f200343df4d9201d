package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Fully connected layer (Keras's and Flux's Dense): {@code y = x W^T + b}.
 *
 * <p>Shapes: input {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} (optional), output
 * {@code [..., out]}. Default initialization: PyTorch's {@code U(-1/sqrt(in), 1/sqrt(in))} for both.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    /** A layer over the given tensors ({@code bias} may be null); they are marked as requiring grad. */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Linear: weight must be [out, in], got " + weight.shape());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException("Linear: bias must be [" + weight.dim(0) + "], got " + bias.shape());
        }
        this.weight = weight.requiresGrad(true);
        this.bias = bias == null ? null : bias.requiresGrad(true);
    }

    /** A float32 layer {@code in -> out} with bias and PyTorch's default initialization. */
    public Linear(int in, int out, RandomGenerator rng) {
        this(in, out, true, DType.FLOAT32, rng);
    }

    /**
     * A layer {@code in -> out} of the given dtype, with or without bias, PyTorch's default initialization
     * (zero bias when {@code in} is 0).
     *
     * @throws IllegalArgumentException if {@code in} or {@code out} is negative
     */
    public Linear(int in, int out, boolean bias, DType dtype, RandomGenerator rng) {
        LayerArguments.atLeast("Linear", "in", in, 0);
        LayerArguments.atLeast("Linear", "out", out, 0);
        this(Init.uniformFanIn(rng, in, dtype, out, in), bias ? Init.uniformFanIn(rng, in, dtype, out) : null);
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() == 0 || x.dim(x.rank() - 1) != inFeatures()) {
            throw badInput("[..., " + inFeatures() + "]", x);
        }
        return Functions.linear(x, weight, bias);
    }

    /** The weight {@code [out, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight, "bias", bias);
    }

    @Override
    public String toString() {
        return "Linear " + inFeatures() + "->" + outFeatures();
    }
}

package org.fluxion.nn;

import java.util.Arrays;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Layer normalization over the trailing {@code normalizedShape} axes of each sample:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, mean and biased variance over those axes.
 * Same in training and evaluation. Input {@code [..., *normalizedShape]}; weight and bias
 * {@code normalizedShape} (ones and zeros initially).
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    /** eps 1e-5, affine, float32. */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, DType.FLOAT32);
    }

    /**
     * @throws IllegalArgumentException if {@code normalizedShape} is empty (no axis to normalize over) or
     *     has a negative size, or {@code eps} is negative or NaN
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean affine, DType dtype) {
        if (normalizedShape.length == 0) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must have at least one dimension");
        }
        for (int d : normalizedShape) {
            LayerArguments.atLeast("LayerNorm", "normalizedShape " + Arrays.toString(normalizedShape) + ": a size", d, 0);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = LayerArguments.nonNegative("LayerNorm", "eps", eps);
        this.weight = affine ? Tensor.ones(dtype, normalizedShape).requiresGrad(true) : null;
        this.bias = affine ? Tensor.zeros(dtype, normalizedShape).requiresGrad(true) : null;
    }

    @Override
    public Tensor apply(Tensor x) {
        int k = normalizedShape.length;
        int[] dims = x.dims();
        if (dims.length < k || !Arrays.equals(Arrays.copyOfRange(dims, dims.length - k, dims.length), normalizedShape)) {
            throw badInput("[..., " + Arrays.toString(normalizedShape).replace("[", "").replace("]", "") + "]", x);
        }
        return Functions.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight, "bias", bias);
    }

    @Override
    public String toString() {
        return "LayerNorm " + Arrays.toString(normalizedShape);
    }
}

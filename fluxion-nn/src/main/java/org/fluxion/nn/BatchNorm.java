package org.fluxion.nn;

import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Batch normalization over axis 1 (the features or channels), shared by {@link BatchNorm1d} and
 * {@link BatchNorm2d}: {@code y = (x - mean) / sqrt(var + eps) * weight + bias}.
 *
 * <p>In training mode mean and biased variance are those of the batch (over every axis but 1), and the
 * running statistics are updated without recording: {@code running = (1 - momentum) running + momentum
 * batch}, with the unbiased variance {@code var * n / (n - 1)} as PyTorch does. In evaluation mode the
 * running statistics are used. Parameters {@code weight}, {@code bias} and buffers {@code running_mean},
 * {@code running_var} have shape {@code [C]}; the buffer {@code num_batches_tracked} (int64 scalar) counts
 * the training batches. The names are PyTorch's, so that its checkpoints load by name.
 */
public abstract sealed class BatchNorm extends Module permits BatchNorm1d, BatchNorm2d {
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked = Tensor.zeros(DType.INT64);
    private final double eps;
    private final double momentum;

    /**
     * @throws IllegalArgumentException if {@code features} is negative, {@code eps} negative or NaN, or
     *     {@code momentum} outside {@code [0, 1]}
     */
    BatchNorm(int features, double eps, double momentum, boolean affine, DType dtype) {
        String layer = getClass().getSimpleName();
        LayerArguments.atLeast(layer, "features", features, 0);
        LayerArguments.nonNegative(layer, "eps", eps);
        LayerArguments.fraction(layer, "momentum", momentum);
        this.weight = affine ? Tensor.ones(dtype, features).requiresGrad(true) : null;
        this.bias = affine ? Tensor.zeros(dtype, features).requiresGrad(true) : null;
        this.runningMean = Tensor.zeros(dtype, features);
        this.runningVar = Tensor.ones(dtype, features);
        this.eps = eps;
        this.momentum = momentum;
    }

    /** True when {@code x} has a rank this layer accepts. */
    abstract boolean acceptsRank(int rank);

    /** The accepted input shapes, for the error message. */
    abstract String expectedShape();

    @Override
    public Tensor apply(Tensor x) {
        int c = features();
        if (!acceptsRank(x.rank()) || x.dim(1) != c) {
            throw badInput(expectedShape().replace("C", Integer.toString(c)), x);
        }
        if (isTraining() && x.size() / c < 2) {
            throw new LayerInputException(label(), "needs more than one value per channel in training mode, got "
                    + x.shape());
        }
        if (isTraining()) {
            try (var scope = org.fluxion.autodiff.GradMode.noGrad()) {
                numBatchesTracked.addInPlace(Tensor.scalar(1, DType.INT64));
            }
        }
        return Functions.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
    }

    public int features() {
        return runningMean.dim(0);
    }

    /** The scale {@code [C]}, or null without affine parameters. */
    public Tensor weight() {
        return weight;
    }

    /** The shift {@code [C]}, or null without affine parameters. */
    public Tensor bias() {
        return bias;
    }

    /** Added to the variance. */
    public double eps() {
        return eps;
    }

    /** The weight of the batch in the running statistics. */
    public double momentum() {
        return momentum;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of batches seen in training mode (PyTorch's {@code num_batches_tracked}), an int64 scalar. */
    public Tensor numBatchesTracked() {
        return numBatchesTracked;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight, "bias", bias);
    }

    @Override
    protected Map<String, Tensor> ownBuffers() {
        return named("running_mean", runningMean, "running_var", runningVar, "num_batches_tracked", numBatchesTracked);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + features();
    }
}

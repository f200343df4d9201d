package org.fluxion.models;

import java.util.Arrays;
import org.fluxion.autodiff.Functional;
import org.fluxion.nn.Functions;
import org.fluxion.nn.LayerArguments;
import org.fluxion.nn.LayerInputException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Batch normalization over axis 1 (features or channels) of {@code [N, C, ...]}, as data:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}.
 *
 * <p>In training the mean and biased variance are the batch's (over every axis but 1) and the pass returns a
 * new layer whose running statistics are {@code (1 - momentum) running + momentum batch}, with the unbiased
 * variance {@code var n / (n - 1)} (PyTorch's rule); the statistics take no gradient. In inference the running
 * statistics are used and the layer returned is this one. Weight and bias {@code [C]}, or both null.
 *
 * @param weight   the scale {@code [C]}, or null without affine parameters
 * @param bias     the shift {@code [C]}, or null
 * @param running  the running statistics (state, not trained)
 * @param eps      added to the variance
 * @param momentum the weight of the batch in the running statistics
 */
public record BatchNorm(Tensor weight, Tensor bias, RunningStats running, double eps, double momentum) implements Layer {
    public BatchNorm {
        LayerArguments.nonNegative("BatchNorm", "eps", eps);
        LayerArguments.fraction("BatchNorm", "momentum", momentum);
        if ((weight == null) != (bias == null) || running == null) {
            throw new IllegalArgumentException("BatchNorm: give both weight and bias or neither, and running statistics");
        }
    }

    /** {@code features} channels, eps 1e-5, momentum 0.1, affine, float32 (PyTorch's defaults). */
    public static BatchNorm create(int features) {
        return create(features, 1e-5, 0.1, true, DType.FLOAT32);
    }

    /** Weight 1, bias 0 (when affine), running mean 0 and variance 1. */
    public static BatchNorm create(int features, double eps, double momentum, boolean affine, DType dtype) {
        LayerArguments.atLeast("BatchNorm", "features", features, 0);
        return new BatchNorm(affine ? Tensor.ones(dtype, features) : null, affine ? Tensor.zeros(dtype, features) : null,
                new RunningStats(Tensor.zeros(dtype, features), Tensor.ones(dtype, features)), eps, momentum);
    }

    public int features() {
        return running.mean().dim(running.mean().rank() - 1);
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        int c = features();
        int[] channels = {c};
        if (running.mean().rank() != 1 || !Arrays.equals(running.variance().dims(), channels)
                || weight != null && (!Arrays.equals(weight.dims(), channels) || !Arrays.equals(bias.dims(), channels))) {
            throw new IllegalArgumentException(this + ": running mean and variance, weight and bias must be [C], got "
                    + running.mean().shape() + ", " + running.variance().shape() + ", "
                    + (weight == null ? "null" : weight.shape()) + ", " + (bias == null ? "null" : bias.shape()));
        }
        if (x.rank() < 2 || x.dim(1) != c) {
            throw new LayerInputException(toString(), "expected input [N, " + c + ", ...], got " + x.shape());
        }
        Tensor mean;
        Tensor var;
        BatchNorm after = this;
        if (context.training()) {
            if (x.size() / Math.max(1, c) < 2) {
                throw new LayerInputException(toString(), "needs more than one value per channel in training, got "
                        + x.shape());
            }
            Functions.BatchMoments m = Functions.batchMoments(toString(), x);
            int n = m.count();
            mean = m.mean();
            var = m.variance();
            Tensor newMean = running.mean().mul(1 - momentum).add(Functional.stopGradient(mean).reshape(c).mul(momentum));
            Tensor newVar = running.variance().mul(1 - momentum)
                    .add(Functional.stopGradient(var).reshape(c).mul(momentum * n / (n - 1.0)));
            after = new BatchNorm(weight, bias, new RunningStats(newMean, newVar), eps, momentum);
        } else {
            int[] statShape = new int[x.rank()];
            Arrays.fill(statShape, 1);
            statShape[1] = c;
            mean = running.mean().reshape(statShape);
            var = running.variance().reshape(statShape);
        }
        Tensor y = Functions.batchNormalize(x, mean, var, weight, bias, eps);
        return new Applied(y, after);
    }

    @Override
    public String toString() {
        return "BatchNorm " + features();
    }
}

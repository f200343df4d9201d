package org.fluxion.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.fluxion.autodiff.GradMode;
import org.fluxion.nn.normalization.LayerNormPrimitive;
import org.fluxion.nn.normalization.LayerNormReference;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.MatMulAdd;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Every neural-network function of the library as a plain static method with plain arguments, in the manner
 * of PyTorch's {@code torch.nn.functional}: for functional models ({@code apply(params, x)} over a tree of
 * parameters) and for anyone who would rather not build a layer. The layers are state (parameters, buffers,
 * the training flag) around these functions: {@link Linear}, {@link Conv2d}, {@link Dropout},
 * {@link LayerNorm}, {@link BatchNorm1d}/{@link BatchNorm2d}, {@link Embedding}, the pooling layers and
 * {@link Flatten} call them; activations and losses are those of {@link Activations} and {@link Losses}.
 *
 * <p>Shapes follow PyTorch: images are {@code [N, C, H, W]}, features are the last axis for
 * {@link #linear} and axis 1 for {@link #batchNorm}. Arguments are checked here, with an
 * {@link IllegalArgumentException} naming the function, the argument and its shape.
 */
public final class Functions {
    private Functions() {
    }

    // ---------------------------------------------------------------- linear, convolution, pooling

    /**
     * {@code y = x W^T + b}: input {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]} or null,
     * output {@code [..., out]}.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("linear: weight must be [out, in], got " + weight.shape());
        }
        if (x.rank() == 0 || x.dim(x.rank() - 1) != weight.dim(1)) {
            throw new IllegalArgumentException("linear: input must be [..., " + weight.dim(1) + "] for weight "
                    + weight.shape() + ", got " + x.shape());
        }
        requireBias("linear", bias, weight.dim(0));
        if (x.rank() > 2) {
            // [..., in] as one [rows, in] matrix: the weight's gradient is then one GEMM over all rows, not a
            // product per leading index summed afterwards (a [..., in, out] intermediate)
            int[] dims = x.dims();
            int rows = 1;
            for (int i = 0; i < dims.length - 1; i++) {
                rows *= dims[i];
            }
            dims[dims.length - 1] = weight.dim(0);
            return linear(x.reshape(rows, weight.dim(1)), weight, bias).reshape(dims);
        }
        if (bias == null) {
            return x.matmul(weight.transpose());
        }
        if (x.rank() == 2 && x.dtype() == weight.dtype() && bias.dtype() == x.dtype() && x.dtype().isFloatingPoint()
                && !x.dtype().isStorageOnly()) {
            // the bias is the GEMM's starting output: no pass of its own over [rows, out]
            return Ops.bind(new MatMulAdd(), x, weight.transpose(), bias);
        }
        return x.matmul(weight.transpose()).add(bias); // mixed dtypes: promoted by the add
    }

    /**
     * 2-D convolution (cross-correlation): input {@code [N, C, H, W]}, weight {@code [O, C/groups, kh, kw]},
     * bias {@code [O]} or null, output {@code [N, O, H', W']} with
     * {@code H' = (H + 2 padding - dilation (kh - 1) - 1) / stride + 1} (the same in both directions).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
                                int groups) {
        if (x.rank() != 4 || weight.rank() != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N, C, H, W] and weight [O, C/groups, kh, kw], "
                    + "got " + x.shape() + " and " + weight.shape());
        }
        if (groups < 1 || x.dim(1) != weight.dim(1) * groups) {
            throw new IllegalArgumentException("conv2d: input " + x.shape() + " has " + x.dim(1) + " channels but weight "
                    + weight.shape() + " with " + groups + " group(s) expects " + weight.dim(1) * groups);
        }
        requireBias("conv2d", bias, weight.dim(0));
        return Convolutions.conv2d(x, weight, bias, Conv2dOptions.of(stride, padding, dilation, groups));
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int, int, int, int)} with no dilation and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /** Stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, 1, 0, 1, 1);
    }

    /**
     * Max pooling over square windows: {@code [N, C, H, W] -> [N, C, H', W']},
     * {@code H' = (H + 2 padding - kernel) / stride + 1}; padding counts as -infinity.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        requireImage("maxPool2d", x);
        return Convolutions.maxPool2d(x, Pool2dOptions.of(kernel, stride, padding));
    }

    /** Max pooling with stride {@code kernel} and no padding ({@code maxPool2d(x, 2)} halves H and W). */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0);
    }

    /**
     * Average pooling over square windows, {@code [N, C, H, W] -> [N, C, H', W']} as {@link #maxPool2d};
     * padded positions count as zeros in the divisor (PyTorch's {@code count_include_pad=True}).
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        requireImage("avgPool2d", x);
        return Convolutions.avgPool2d(x, Pool2dOptions.of(kernel, stride, padding));
    }

    /** Average pooling with stride {@code kernel} and no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, kernel, kernel, 0);
    }

    /** The mean of each channel's plane: {@code [N, C, H, W] -> [N, C]}. */
    public static Tensor globalAvgPool2d(Tensor x) {
        requireImage("globalAvgPool2d", x);
        return x.mean(new int[] {2, 3}, false);
    }

    /** Keeps the batch axis and flattens the rest: {@code [N, d1, d2, ...] -> [N, d1 d2 ...]} ({@code [N] -> [N, 1]}). */
    public static Tensor flatten(Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("flatten: input must be [N, ...], got " + x.shape());
        }
        return x.rank() == 1 ? x.reshape(x.dim(0), 1) : x.flatten(1, x.rank() - 1);
    }

    // ---------------------------------------------------------------- activations (see Activations)

    /** {@code max(x, 0)}, any shape. */
    public static Tensor relu(Tensor x) {
        return Activations.relu(x);
    }

    /** {@code x} for {@code x > 0}, else {@code slope x}. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Activations.leakyRelu(x, slope);
    }

    /** {@code x} for {@code x > 0}, else {@code alpha (exp(x) - 1)}. */
    public static Tensor elu(Tensor x, double alpha) {
        return Activations.elu(x, alpha);
    }

    /** GELU, tanh approximation: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    public static Tensor gelu(Tensor x) {
        return Activations.gelu(x);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Tensor sigmoid(Tensor x) {
        return Activations.sigmoid(x);
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return Activations.tanh(x);
    }

    /** {@code exp(x_i) / sum_j exp(x_j)} along {@code axis} (negative counts from the end), stable. */
    public static Tensor softmax(Tensor x, int axis) {
        return Activations.softmax(x, axis);
    }

    /** {@code x_i - log sum_j exp(x_j)} along {@code axis}, stable. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return Activations.logSoftmax(x, axis);
    }

    // ---------------------------------------------------------------- dropout, normalization, embedding

    /**
     * Inverted dropout: when {@code training}, each element is zeroed with probability {@code p} (mask drawn
     * from {@code rng}) and the survivors are scaled by {@code 1 / (1 - p)}; otherwise {@code x} itself.
     * Any shape.
     *
     * @throws IllegalArgumentException unless {@code 0 <= p < 1}
     */
    public static Tensor dropout(Tensor x, double p, boolean training, RandomGenerator rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor keep = Tensor.rand(rng, x.dtype().toFloatingPoint(), x.dims()).ge(p);
        return x.mul(keep.to(x.dtype()).mul(1 / (1 - p)));
    }

    /**
     * Layer normalization over the trailing axes {@code normalizedShape}:
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}, mean and biased variance per sample over
     * those axes. Input {@code [..., *normalizedShape]}; weight and bias {@code normalizedShape}, or both null.
     * float32 or float64 of one dtype: one fused primitive ({@link LayerNormPrimitive}); otherwise the formula.
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        int[] dims = x.dims();
        if (dims.length < k || !Arrays.equals(Arrays.copyOfRange(dims, dims.length - k, dims.length), normalizedShape)) {
            throw new IllegalArgumentException("layerNorm: input must end with " + Arrays.toString(normalizedShape)
                    + ", got " + x.shape());
        }
        requireAffine("layerNorm", weight, bias, normalizedShape);
        boolean fused = (x.dtype() == DType.FLOAT32 || x.dtype() == DType.FLOAT64)
                && (weight == null || (weight.dtype() == x.dtype() && bias.dtype() == x.dtype()));
        if (!fused) {
            return LayerNormReference.forward(x, weight, bias, k, eps); // mixed dtypes: promoted by the formula
        }
        LayerNormPrimitive p = new LayerNormPrimitive(k, eps, weight != null);
        return weight == null ? Ops.bind(p, x) : Ops.bind(p, x, weight, bias);
    }

    /**
     * Batch normalization over axis 1 (PyTorch's {@code F.batch_norm}): input {@code [N, C, ...]},
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} with {@code [C]} statistics and affine
     * parameters ({@code weight}, {@code bias} both null for none). When {@code training}, mean and biased
     * variance are the batch's (over every axis but 1) and the running statistics, if given, are updated in
     * place without recording: {@code running = (1 - momentum) running + momentum batch}, with the unbiased
     * variance {@code var n / (n - 1)}. Otherwise the running statistics are used.
     *
     * @throws IllegalArgumentException when a shape does not fit, when training sees one value per channel,
     *                                  or when evaluation has no running statistics
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batchNorm: input must be [N, C, ...], got " + x.shape());
        }
        int c = x.dim(1);
        int[] channels = {c};
        requireAffine("batchNorm", weight, bias, channels);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: give both running statistics or neither");
        }
        if (runningMean != null && (!Arrays.equals(runningMean.dims(), channels)
                || !Arrays.equals(runningVar.dims(), channels))) {
            throw new IllegalArgumentException("batchNorm: running statistics must be [" + c + "] for input "
                    + x.shape() + ", got " + runningMean.shape() + " and " + runningVar.shape());
        }
        int[] statShape = channelShape(x.rank(), c);
        Tensor mean;
        Tensor var;
        if (training) {
            BatchMoments m = batchMoments("batchNorm", x);
            mean = m.mean();
            var = m.variance();
            if (runningMean != null) {
                try (var scope = GradMode.noGrad()) {
                    runningMean.mulInPlace(1 - momentum).addInPlace(mean.detach().reshape(c).mul(momentum));
                    runningVar.mulInPlace(1 - momentum)
                            .addInPlace(var.detach().reshape(c).mul(momentum * m.count() / (m.count() - 1.0)));
                }
            }
        } else {
            if (runningMean == null) {
                throw new IllegalArgumentException("batchNorm: evaluation mode needs the running statistics");
            }
            mean = runningMean.reshape(statShape);
            var = runningVar.reshape(statShape);
        }
        return batchNormalize(x, mean, var, weight, bias, eps);
    }

    /**
     * The batch statistics of {@code x [N, C, ...]} over every axis but 1: {@code mean} and biased
     * {@code variance} kept as {@code [1, C, 1, ...]} (differentiable), and {@code count}, the number n of
     * values per channel (running statistics average the unbiased variance {@code var n / (n - 1)}).
     */
    public record BatchMoments(Tensor mean, Tensor variance, int count) {
    }

    /**
     * {@link BatchMoments} of {@code x [N, C, ...]}.
     *
     * @throws IllegalArgumentException naming {@code fn} when there is one value per channel or fewer
     */
    public static BatchMoments batchMoments(String fn, Tensor x) {
        int c = x.dim(1);
        int n = x.size() / Math.max(1, c);
        if (n < 2) {
            throw new IllegalArgumentException(fn + ": needs more than one value per channel in training mode, got "
                    + x.shape());
        }
        int[] axes = new int[x.rank() - 1];
        for (int i = 0, k = 0; i < x.rank(); i++) {
            if (i != 1) {
                axes[k++] = i;
            }
        }
        Tensor mean = x.mean(axes, true);
        Tensor var = x.variance(axes, 0, true);
        return new BatchMoments(mean, var, n);
    }

    /**
     * {@code (x - mean) / sqrt(var + eps) * weight + bias} for {@code x [N, C, ...]}, statistics broadcast as
     * {@code [1, C, 1, ...]}, affine parameters {@code [C]} or both null.
     */
    public static Tensor batchNormalize(Tensor x, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps) {
        Tensor y = normalize(x, mean, var, eps);
        if (weight == null) {
            return y;
        }
        int[] statShape = channelShape(x.rank(), x.dim(1));
        return y.mul(weight.reshape(statShape)).add(bias.reshape(statShape));
    }

    /** {@code [1, c, 1, ...]} of the given rank. */
    private static int[] channelShape(int rank, int c) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[1] = c;
        return shape;
    }

    /**
     * A table lookup: integer indices {@code [...]} (int32 or int64, each in {@code [0, vocab)}) select rows
     * of {@code table [vocab, dim]}, giving {@code [..., dim]}; the table's gradient is the scatter-add of the
     * output's cotangent.
     */
    public static Tensor embedding(Tensor indices, Tensor table) {
        if (table.rank() != 2) {
            throw new IllegalArgumentException("embedding: table must be [vocab, dim], got " + table.shape());
        }
        if (indices.dtype() != DType.INT32 && indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("embedding: expected int32 or int64 indices, got "
                    + indices.dtype().label() + " " + indices.shape());
        }
        int[] outDims = Arrays.copyOf(indices.dims(), indices.rank() + 1);
        outDims[indices.rank()] = table.dim(1);
        return table.indexSelect(0, indices.reshape(indices.size())).reshape(outDims);
    }

    // ---------------------------------------------------------------- losses (see Losses)

    /** Mean squared error {@code mean((p - t)^2)}, equal shapes. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return Losses.mse(prediction, target);
    }

    /** Mean absolute error {@code mean(|p - t|)}, equal shapes. */
    public static Tensor mae(Tensor prediction, Tensor target) {
        return Losses.mae(prediction, target);
    }

    /** Huber loss: quadratic within {@code delta}, linear beyond; mean over elements. */
    public static Tensor huber(Tensor prediction, Tensor target, double delta) {
        return Losses.huber(prediction, target, delta);
    }

    /**
     * Mean cross-entropy from logits {@code [B, C]} against class labels {@code [B]} (int32/int64) or
     * probability rows {@code [B, C]}.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return Losses.crossEntropy(logits, target);
    }

    /** Cross-entropy with label smoothing {@code s} (target {@code (1 - s) t + s / C}) and a reduction. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing, Reduction reduction) {
        return Losses.crossEntropy(logits, target, labelSmoothing, reduction);
    }

    /** Mean binary cross-entropy from probabilities in {@code (0, 1)} (clipped), equal shapes. */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return Losses.binaryCrossEntropy(probabilities, target);
    }

    /** Mean binary cross-entropy from logits, in the overflow-free form; equal shapes. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(logits, target);
    }

    /** Hinge loss {@code mean(max(0, 1 - y s))} for labels in {@code {-1, 1}}. */
    public static Tensor hinge(Tensor scores, Tensor labels) {
        return Losses.hinge(scores, labels);
    }

    // ---------------------------------------------------------------- checks

    private static Tensor normalize(Tensor x, Tensor mean, Tensor var, double eps) {
        return x.sub(mean).mul(var.add(eps).rsqrt());
    }

    private static void requireImage(String fn, Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(fn + ": input must be [N, C, H, W], got " + x.shape());
        }
    }

    private static void requireBias(String fn, Tensor bias, int out) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException(fn + ": bias must be [" + out + "], got " + bias.shape());
        }
    }

    private static void requireAffine(String fn, Tensor weight, Tensor bias, int[] shape) {
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException(fn + ": give both weight and bias or neither");
        }
        if (weight != null && (!Arrays.equals(weight.dims(), shape) || !Arrays.equals(bias.dims(), shape))) {
            throw new IllegalArgumentException(fn + ": weight and bias must be " + Arrays.toString(shape) + ", got "
                    + weight.shape() + " and " + bias.shape());
        }
    }
}

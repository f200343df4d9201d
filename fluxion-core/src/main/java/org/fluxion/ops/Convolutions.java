package org.fluxion.ops;

import org.fluxion.ops.ConvolutionPrimitives.AvgPool2d;
import org.fluxion.ops.ConvolutionPrimitives.AvgPool2dGrad;
import org.fluxion.ops.ConvolutionPrimitives.Conv2d;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dInputGrad;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dWeightGrad;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2d;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2dGrad;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Convolution and pooling over NCHW tensors, as PyTorch's {@code torch.nn.functional}: x is
 * {@code [batch, channels, height, width]}.
 */
public final class Convolutions {
    private Convolutions() {
    }

    /**
     * 2-D cross-correlation: x {@code [N, C, H, W]}, weight {@code [O, C/groups, kH, kW]}, optional bias
     * {@code [O]} (null for none); result {@code [N, O, outH, outW]} with
     * {@code outH = floor((H + 2 padH - dilationH (kH - 1) - 1) / strideH) + 1}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options) {
        Tensor y = Ops.bind(new Conv2d(options), x, weight);
        if (bias == null) {
            return y;
        }
        if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
            throw new IllegalArgumentException("conv2d: bias must have shape [" + weight.dim(0) + "], got " + bias.shape());
        }
        return y.add(bias.reshape(1, -1, 1, 1));
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, Conv2dOptions)} with stride 1, no padding, no bias. */
    public static Tensor conv2d(Tensor x, Tensor weight) {
        return conv2d(x, weight, null, Conv2dOptions.DEFAULT);
    }

    /** The gradient of conv2d with respect to x, given the output gradient dy (a transposed convolution). */
    public static Tensor conv2dInputGrad(Tensor dy, Tensor weight, Shape inputShape, Conv2dOptions options) {
        return Ops.bind(new Conv2dInputGrad(options, inputShape), dy, weight);
    }

    /** The gradient of conv2d with respect to the weight, given x and the output gradient dy. */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor dy, Shape weightShape, Conv2dOptions options) {
        return Ops.bind(new Conv2dWeightGrad(options, weightShape), x, dy);
    }

    /** Maximum over each window: {@code [N, C, H, W] -> [N, C, outH, outW]}. */
    public static Tensor maxPool2d(Tensor x, Pool2dOptions options) {
        return Ops.bind(new MaxPool2d(options), x);
    }

    /** The gradient of maxPool2d: dy flows to each window's (first) maximum. */
    public static Tensor maxPool2dGrad(Tensor x, Tensor dy, Pool2dOptions options) {
        return Ops.bind(new MaxPool2dGrad(options), x, dy);
    }

    /** Mean over each window: {@code [N, C, H, W] -> [N, C, outH, outW]}. */
    public static Tensor avgPool2d(Tensor x, Pool2dOptions options) {
        return Ops.bind(new AvgPool2d(options), x);
    }

    /** The gradient of avgPool2d: each window's dy spread evenly over the window. */
    public static Tensor avgPool2dGrad(Tensor dy, Shape inputShape, Pool2dOptions options) {
        return Ops.bind(new AvgPool2dGrad(options, inputShape), dy);
    }
}

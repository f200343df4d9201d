package org.fluxion.models;

import java.util.random.RandomGenerator;
import org.fluxion.nn.Init;
import org.fluxion.nn.LayerArguments;
import org.fluxion.nn.LayerInputException;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as PyTorch) as data, over {@link Convolutions#conv2d}.
 *
 * <p>Shapes: input {@code [N, C, H, W]}, weight {@code [O, C/groups, kh, kw]}, bias {@code [O]} or null,
 * output {@code [N, O, H', W']}, {@code H' = (H + 2 padH - dilationH (kh - 1) - 1) / strideH + 1}. Shapes
 * are checked when the layer is applied (a tree of per-example gradients has a batch axis in front).
 *
 * @param weight  {@code [O, C/groups, kh, kw]}
 * @param bias    {@code [O]}, or null
 * @param options strides, padding, dilation, groups
 */
public record Conv2d(Tensor weight, Tensor bias, Conv2dOptions options) implements Layer {
    public Conv2d {
        if (weight == null) {
            throw new IllegalArgumentException("Conv2d: weight must not be null");
        }
        LayerArguments.conv("Conv2d", options);
    }

    /** A float32 {@code kernel x kernel} convolution with bias, stride and zero padding, PyTorch's initialization. */
    public static Conv2d create(int in, int out, int kernel, int stride, int padding, RandomGenerator rng) {
        return create(in, out, kernel, Conv2dOptions.of(stride, padding), true, DType.FLOAT32, rng);
    }

    /**
     * A {@code kernel x kernel} convolution with any options: {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))},
     * {@code fanIn = C/groups kh kw}.
     *
     * @throws IllegalArgumentException if a size is below 1 or {@code in}, {@code out} are not multiples of the groups
     */
    public static Conv2d create(int in, int out, int kernel, Conv2dOptions options, boolean bias, DType dtype,
                                RandomGenerator rng) {
        LayerArguments.atLeast("Conv2d", "in", in, 1);
        LayerArguments.atLeast("Conv2d", "out", out, 1);
        LayerArguments.atLeast("Conv2d", "kernel", kernel, 1);
        LayerArguments.conv("Conv2d", options);
        int g = options.groups();
        if (in % g != 0 || out % g != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + in + ") and out (" + out + ") must be multiples of groups ("
                    + g + ")");
        }
        int fanIn = in / g * kernel * kernel;
        return new Conv2d(Init.uniformFanIn(rng, fanIn, dtype, out, in / g, kernel, kernel),
                bias ? Init.uniformFanIn(rng, fanIn, dtype, out) : null, options);
    }

    public int inChannels() {
        return weight.dim(1) * options.groups();
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        if (weight.rank() != 4 || bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException(this + ": weight must be [O, C/groups, kh, kw] and bias [O] or null, got "
                    + weight.shape() + " and " + (bias == null ? "null" : bias.shape()));
        }
        if (x.rank() != 4 || x.dim(1) != inChannels()) {
            throw new LayerInputException(toString(), "expected input [N, " + inChannels() + ", H, W], got " + x.shape());
        }
        return new Applied(Convolutions.conv2d(x, weight, bias, options), this);
    }

    @Override
    public String toString() {
        return weight.rank() == 4 ? "Conv2d " + inChannels() + "->" + weight.dim(0) + " " + weight.dim(2) + "x" + weight.dim(3)
                : "Conv2d " + weight.shape();
    }
}

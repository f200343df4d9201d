package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in PyTorch) over {@link Convolutions#conv2d}.
 *
 * <p>Shapes: input {@code [N, C, H, W]}, weight {@code [O, C/groups, kh, kw]}, bias {@code [O]} (optional),
 * output {@code [N, O, H', W']} with {@code H' = (H + 2 padH - dilationH (kh - 1) - 1) / strideH + 1}.
 * Default initialization: PyTorch's {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}, {@code fanIn = C/groups kh kw}.
 */
public final class Conv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final Conv2dOptions options;

    /** A layer over the given tensors ({@code bias} may be null); they are marked as requiring grad. */
    public Conv2d(Tensor weight, Tensor bias, Conv2dOptions options) {
        if (weight.rank() != 4) {
            throw new IllegalArgumentException("Conv2d: weight must be [O, C/groups, kh, kw], got " + weight.shape());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new IllegalArgumentException("Conv2d: bias must be [" + weight.dim(0) + "], got " + bias.shape());
        }
        this.weight = weight.requiresGrad(true);
        this.bias = bias == null ? null : bias.requiresGrad(true);
        this.options = LayerArguments.conv("Conv2d", options);
    }

    /** A float32 {@code kernel x kernel} convolution with bias, the given stride and zero padding. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, RandomGenerator rng) {
        this(in, out, kernel, Conv2dOptions.of(stride, padding), true, DType.FLOAT32, rng);
    }

    /**
     * A {@code kernel x kernel} convolution with any options, PyTorch's default initialization.
     *
     * @throws IllegalArgumentException if {@code in}, {@code out} or {@code kernel} is below 1 (the
     *     convolution primitive needs a channel), the options are out of range, or {@code in} or
     *     {@code out} is not a multiple of the groups
     */
    public Conv2d(int in, int out, int kernel, Conv2dOptions options, boolean bias, DType dtype, RandomGenerator rng) {
        LayerArguments.atLeast("Conv2d", "in", in, 1);
        LayerArguments.atLeast("Conv2d", "out", out, 1);
        LayerArguments.atLeast("Conv2d", "kernel", kernel, 1);
        LayerArguments.conv("Conv2d", options);
        if (in % options.groups() != 0 || out % options.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + in + ") and out (" + out
                    + ") must be multiples of groups (" + options.groups() + ")");
        }
        this(Init.uniformFanIn(rng, in / options.groups() * kernel * kernel, dtype,
                        out, in / options.groups(), kernel, kernel),
                bias ? Init.uniformFanIn(rng, in / options.groups() * kernel * kernel, dtype, out) : null,
                options);
    }

    @Override
    public Tensor apply(Tensor x) {
        int c = inChannels();
        if (x.rank() != 4 || x.dim(1) != c) {
            throw badInput("[N, " + c + ", H, W]", x);
        }
        return Convolutions.conv2d(x, weight, bias, options);
    }

    /** The weight {@code [O, C/groups, kh, kw]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [O]}, or null. */
    public Tensor bias() {
        return bias;
    }

    public Conv2dOptions options() {
        return options;
    }

    public int inChannels() {
        return weight.dim(1) * options.groups();
    }

    public int outChannels() {
        return weight.dim(0);
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight, "bias", bias);
    }

    @Override
    public String toString() {
        return "Conv2d " + inChannels() + "->" + outChannels() + " " + weight.dim(2) + "x" + weight.dim(3);
    }
}

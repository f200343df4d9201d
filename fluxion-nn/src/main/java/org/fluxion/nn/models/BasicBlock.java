package org.fluxion.nn.models;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.nn.Activations;
import org.fluxion.nn.BatchNorm2d;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * torchvision's {@code BasicBlock}: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))} with 3x3
 * convolutions without bias, the first of stride {@code stride}; the shortcut is {@code downsample} (a 1x1
 * convolution and batch norm, children {@code 0} and {@code 1}) when the stride or the width changes, else
 * the identity. Input {@code [N, in, H, W]}, output {@code [N, out, H / stride, W / stride]}.
 */
public final class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    public BasicBlock(int in, int out, int stride, RandomGenerator rng) {
        conv1 = new Conv2d(in, out, 3, Conv2dOptions.of(stride, 1), false, DType.FLOAT32, rng);
        bn1 = new BatchNorm2d(out);
        conv2 = new Conv2d(out, out, 3, Conv2dOptions.of(1, 1), false, DType.FLOAT32, rng);
        bn2 = new BatchNorm2d(out);
        downsample = stride == 1 && in == out ? null : new Sequential(
                new Conv2d(in, out, 1, Conv2dOptions.of(stride, 0), false, DType.FLOAT32, rng), new BatchNorm2d(out));
    }

    @Override
    public Tensor apply(Tensor x) {
        Tensor y = Activations.relu(bn1.apply(conv1.apply(x)));
        y = bn2.apply(conv2.apply(y));
        return Activations.relu(y.add(downsample == null ? x : downsample.apply(x)));
    }

    @Override
    protected Map<String, Module> children() {
        return named("conv1", conv1, "bn1", bn1, "conv2", conv2, "bn2", bn2, "downsample", downsample);
    }
}

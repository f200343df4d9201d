package org.fluxion.nn.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.nn.Activations;
import org.fluxion.nn.BatchNorm2d;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.GlobalAvgPool2d;
import org.fluxion.nn.Linear;
import org.fluxion.nn.MaxPool2d;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * torchvision's ResNet of {@link BasicBlock}s (He et al. 2015): a 7x7 stride-2 convolution, batch norm,
 * relu and 3x3 stride-2 max pooling, four stages of blocks of widths {@code w, 2w, 4w, 8w} (the last three
 * start with stride 2), global average pooling and a linear classifier. Input {@code [N, 3, H, W]}
 * (ImageNet: 224x224, normalized with {@code Normalize.IMAGENET} (org.fluxion.data.image)), output
 * {@code [N, classes]} logits.
 *
 * <p>Children and tensors are named as torchvision's ({@code conv1}, {@code bn1}, {@code layer1} ...
 * {@code layer4}, {@code fc}; {@code layer2.0.downsample.0.weight}), so {@code resnet18(1000)} loads the
 * state dict of {@code torchvision.models.resnet18()} saved as safetensors.
 */
public final class ResNet extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool = new MaxPool2d(Pool2dOptions.of(3, 2, 1));
    private final List<Sequential> layers = new ArrayList<>();
    private final GlobalAvgPool2d avgpool = new GlobalAvgPool2d();
    private final Linear fc;

    /**
     * @param blocks  blocks per stage (four stages; torchvision's resnet18 has {@code {2, 2, 2, 2}})
     * @param width   channels of the first stage (64 in torchvision)
     * @param classes outputs of the classifier
     * @throws IllegalArgumentException unless there are four stages of at least one block and the sizes are
     *                                  positive
     */
    public ResNet(int[] blocks, int width, int classes, RandomGenerator rng) {
        if (blocks.length != 4 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException("ResNet: expected 4 stages, a positive width and class count, got "
                    + java.util.Arrays.toString(blocks) + ", width " + width + ", " + classes + " classes");
        }
        conv1 = new Conv2d(3, width, 7, Conv2dOptions.of(2, 3), false, DType.FLOAT32, rng);
        bn1 = new BatchNorm2d(width);
        int in = width;
        for (int stage = 0; stage < 4; stage++) {
            if (blocks[stage] < 1) {
                throw new IllegalArgumentException("ResNet: stage " + (stage + 1) + " needs at least one block, got "
                        + blocks[stage]);
            }
            int out = width << stage;
            List<Module> stageBlocks = new ArrayList<>();
            for (int b = 0; b < blocks[stage]; b++) {
                stageBlocks.add(new BasicBlock(in, out, b == 0 && stage > 0 ? 2 : 1, rng));
                in = out;
            }
            layers.add(new Sequential(stageBlocks));
        }
        fc = new Linear(in, classes, rng);
    }

    /** torchvision's {@code resnet18}: 11,689,512 parameters for 1000 classes. */
    public static ResNet resnet18(int classes, RandomGenerator rng) {
        return new ResNet(new int[] {2, 2, 2, 2}, 64, classes, rng);
    }

    /** torchvision's {@code resnet34}. */
    public static ResNet resnet34(int classes, RandomGenerator rng) {
        return new ResNet(new int[] {3, 4, 6, 3}, 64, classes, rng);
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != 3) {
            throw badInput("[N, 3, H, W]", x);
        }
        Tensor y = maxpool.apply(Activations.relu(bn1.apply(conv1.apply(x))));
        for (Sequential layer : layers) {
            y = layer.apply(y);
        }
        return fc.apply(avgpool.apply(y));
    }

    @Override
    protected Map<String, Module> children() {
        return named("conv1", conv1, "bn1", bn1, "maxpool", maxpool, "layer1", layers.get(0), "layer2", layers.get(1),
                "layer3", layers.get(2), "layer4", layers.get(3), "avgpool", avgpool, "fc", fc);
    }
}

package org.fluxion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.image.CenterCrop;
import org.fluxion.data.image.ImageTransform;
import org.fluxion.data.image.Images;
import org.fluxion.data.image.Normalize;
import org.fluxion.data.image.Resize;
import org.fluxion.data.image.ToTensor;
import org.fluxion.nn.models.ResNet;
import org.fluxion.tensor.TopKResult;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.SafeTensors;
import org.fluxion.train.StateDicts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fluxion classify PHOTO... --weights resnet18.safetensors}: runs an image classifier whose weights
 * come from elsewhere. The weights are a state dict by torchvision's names (for instance
 * {@code safetensors.torch.save_file(torchvision.models.resnet18(weights="DEFAULT").state_dict(), path)}, in
 * F32, F16 or BF16), loaded strictly by name; each photo is read, resized (shorter side), center-cropped,
 * scaled to [0, 1] and normalized with ImageNet's statistics, as torchvision's preset does, then the top
 * classes are printed with their probabilities.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify photos (PNG, JPEG) with a ResNet whose weights are loaded by name from a safetensors state dict.")
final class ClassifyCommand implements Callable<Integer> {
    /** {@code --arch} values. */
    enum Arch { resnet18, resnet34 }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PHOTO", description = "images to classify")
    List<Path> photos;

    @Option(names = "--weights", required = true, description = "safetensors state dict with torchvision's names")
    Path weights;

    @Option(names = "--arch", defaultValue = "resnet18", description = "architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Arch arch;

    @Option(names = "--labels", description = "text file with one class name per line (default: class indices)")
    Path labels;

    @Option(names = "--top", defaultValue = "5", description = "classes printed per photo (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--resize", defaultValue = "256", description = "shorter side before cropping (default: ${DEFAULT-VALUE})")
    int resize;

    @Option(names = "--crop", defaultValue = "224", description = "side of the center crop (default: ${DEFAULT-VALUE})")
    int crop;

    @Option(names = "--threads", description = "worker threads for kernels (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        Cli.atLeast(spec, "--top", top, 1);
        Cli.atLeast(spec, "--resize", resize, 1);
        Cli.atLeast(spec, "--crop", crop, 1);
        Cli.threads(spec, threads);
        Map<String, Tensor> state = SafeTensors.read(weights).tensors();
        Tensor fc = state.get("fc.weight");
        Cli.check(spec, fc != null && fc.rank() == 2, "--weights: " + weights + " has no fc.weight [classes, features]: "
                + "not a ResNet state dict");
        int classes = fc.dim(0);
        List<String> names = labels == null ? null : Files.readAllLines(labels, StandardCharsets.UTF_8);
        Cli.check(spec, names == null || names.size() >= classes, "--labels: " + labels + " names " + (names == null ? 0
                : names.size()) + " classes, the weights have " + classes);
        ResNet model = switch (arch) {
            case resnet18 -> ResNet.resnet18(classes, new SplittableRandom(0));
            case resnet34 -> ResNet.resnet34(classes, new SplittableRandom(0));
        };
        StateDicts.load(model, state, true);
        model.eval();
        System.out.println("loaded " + arch + " (" + classes + " classes, " + String.format(Locale.ROOT, "%,d",
                model.parameterCount()) + " parameters) from " + weights);
        ImageTransform preprocess = new Resize(resize).andThen(new CenterCrop(crop)).andThen(new ToTensor())
                .andThen(Normalize.IMAGENET);
        int k = Math.min(top, classes);
        for (Path photo : photos) {
            long t0 = System.nanoTime();
            Tensor probabilities;
            try (var scope = GradMode.noGrad()) {
                probabilities = model.apply(preprocess.apply(Images.read(photo)).unsqueeze(0)).softmax(1);
            }
            TopKResult best = probabilities.topk(k);
            long[] index = best.indices().toLongArray();
            float[] p = best.values().toFloatArray();
            System.out.println(photo + ":");
            for (int i = 0; i < k; i++) {
                String name = names == null ? "class " + index[i] : names.get((int) index[i]);
                System.out.printf(Locale.ROOT, "  %6.2f%%  %s%n", 100 * p[i], name);
            }
            System.out.printf(Locale.ROOT, "RESULT classify=%s class=%d probability=%.4f seconds=%.3f%n",
                    photo.getFileName(), index[0], p[0], (System.nanoTime() - t0) * 1e-9);
        }
        return 0;
    }
}

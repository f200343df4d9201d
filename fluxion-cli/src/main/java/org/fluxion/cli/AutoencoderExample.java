package org.fluxion.cli;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.data.TrainTest;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Init;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Sgd;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 002's autoencoder: 784-300-100-784, sigmoid everywhere, no decoder bias, weights from
 * N(0, 0.1^2), loss the summed squared error per image, plain SGD with learning rate 0.02 on one
 * image per step; on a subset of Fashion-MNIST (or the glyphs) to stay quick.
 */
@Command(name = "autoencoder", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A 784-300-100-784 sigmoid autoencoder by SGD; input-vs-reconstruction grid.")
final class AutoencoderExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--samples", defaultValue = "5000", description = "training images used (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--epochs", defaultValue = "4", description = "passes over the images (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "1", description = "images per SGD step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.02", description = "learning rate alpha (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: the Debian location, else glyphs)")
    Path data;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "auto", description = "auto, fashion or glyphs (default: ${DEFAULT-VALUE})")
    ImageData.Source dataset;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, samples >= 1, "--samples must be >= 1, got " + samples);
        Cli.check(spec, epochs >= 1, "--epochs must be >= 1, got " + epochs);
        Cli.check(spec, batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        Cli.positive(spec, "--lr", lr);
        Path dir = options.outputDir("autoencoder");
        TrainTest set = ImageData.load(spec, dataset, data, samples, options.seed);
        TensorDataset train = new TensorDataset(set.train().features().reshape(set.train().size(), 784),
                set.train().labels());
        System.out.println("autoencoder 784-300-100-784 (sigmoid) on " + set.description() + ", SGD lr " + lr
                + ", batch " + batchSize + ", " + epochs + " epoch(s)");
        SplittableRandom rng = new SplittableRandom(options.seed);
        Sequential net = new Sequential(
                new Linear(Init.normal(rng, 0.1, DType.FLOAT32, 300, 784), Tensor.zeros(300)), Activation.sigmoid(),
                new Linear(Init.normal(rng, 0.1, DType.FLOAT32, 100, 300), Tensor.zeros(100)), Activation.sigmoid(),
                new Linear(Init.normal(rng, 0.1, DType.FLOAT32, 784, 100), null), Activation.sigmoid());
        Sgd sgd = new Sgd(lr);
        Tensor test = set.test().features().reshape(set.test().size(), 784);
        double first = reconstructionError(net, test);
        System.out.println(Cli.fmt("before training: test squared error per image %.3f", first));
        DataLoader loader = DataLoader.builder(train).batchSize(batchSize).shuffle(options.seed).build();
        double error = first;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            for (Batch batch : loader) {
                net.zeroGrad();
                Tensor x = batch.features();
                Tensor loss = net.apply(x).sub(x).square().sum().div(x.dim(0));
                loss.backward();
                sgd.step(net.parameters());
            }
            error = reconstructionError(net, test);
            System.out.println(Cli.fmt("epoch %d/%d: test squared error per image %.3f  %.1fs", epoch, epochs, error,
                    Cli.secondsSince(t0)));
        }
        int k = Math.min(10, test.dim(0));
        Tensor inputs = test.slice(0, 0, k);
        Tensor outputs;
        try (var noGrad = GradMode.noGrad()) {
            outputs = net.apply(inputs);
        }
        Plots.reconstructions(inputs.reshape(k, 28, 28), outputs.reshape(k, 28, 28), k, dir.resolve("reconstructions.png"));
        System.out.println("wrote reconstructions.png (top row inputs, bottom row reconstructions) to " + dir);
        System.out.println(Cli.fmt("RESULT example=autoencoder first_error=%.3f error=%.3f", first, error));
        return 0;
    }

    /** Mean over images of the summed squared error, without gradients. */
    private static double reconstructionError(Sequential net, Tensor images) {
        try (var noGrad = GradMode.noGrad()) {
            return net.apply(images).sub(images).square().sum().item() / images.dim(0);
        }
    }
}

package org.fluxion.cli;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TrainTest;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.Flatten;
import org.fluxion.nn.Init;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.MaxPool2d;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.History;
import org.fluxion.train.Metrics;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 004's two Flux models: {@code Chain(Dense(784, 32, relu), Dense(32, 10), softmax)} trained by
 * ADAM on crossentropy with 200 full-batch steps, and the small conv net
 * {@code Conv((2,2), 1=>16, relu), maxpool 2, Conv((2,2), 16=>8, relu), maxpool 2, Dense(288, 10), softmax}
 * trained on batches of 1000 as the seed. The softmax is folded into the (stable) cross-entropy from
 * logits. On the first {@code --samples} training images (full-batch steps on all 60,000 would need
 * gigabytes, as the seed complains), tested on the first 1000 test images as the seed.
 */
@Command(name = "flux-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Flux's Dense(784,32,relu)-Dense(32,10)-softmax MLP (ADAM, 200 full-batch steps) and its small conv net.")
final class FluxMnistExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--samples", defaultValue = "5000", description = "training images (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--steps", defaultValue = "200", description = "full-batch ADAM steps of the MLP (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--conv-epochs", defaultValue = "10", description = "passes of the conv net over the images (default: ${DEFAULT-VALUE})")
    int convEpochs;

    @Option(names = "--conv-batch", defaultValue = "1000", description = "conv net batch size (default: ${DEFAULT-VALUE})")
    int convBatch;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: the Debian location, else glyphs)")
    Path data;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "auto", description = "auto, fashion or glyphs (default: ${DEFAULT-VALUE})")
    ImageData.Source dataset;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, samples >= 10, "--samples must be >= 10, got " + samples);
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.check(spec, convEpochs >= 0, "--conv-epochs must be >= 0, got " + convEpochs);
        Cli.check(spec, convBatch >= 1, "--conv-batch must be >= 1, got " + convBatch);
        Path dir = options.outputDir("flux-mnist");
        TrainTest set = ImageData.load(spec, dataset, data, samples, options.seed);
        int testCount = Math.min(1000, set.test().size());
        Tensor x = set.train().features();
        Tensor y = set.train().labels();
        Tensor tx = set.test().features().slice(0, 0, testCount);
        Tensor ty = set.test().labels().slice(0, 0, testCount);
        System.out.println("data: " + set.description() + "; test = the first " + testCount + " test images");

        SplittableRandom rng = new SplittableRandom(options.seed);
        // Flux's Dense initializes weights Glorot-uniform and biases at zero.
        Sequential mlp = new Sequential(new Flatten(),
                new Linear(Init.glorotUniform(rng, DType.FLOAT32, 32, 784), Tensor.zeros(32)), Activation.relu(),
                new Linear(Init.glorotUniform(rng, DType.FLOAT32, 10, 32), Tensor.zeros(10)));
        Adam adam = new Adam(1e-3);
        long t0 = System.nanoTime();
        double[] losses = new double[steps];
        double[] stepAxis = new double[steps];
        for (int step = 0; step < steps; step++) {
            mlp.zeroGrad();
            Tensor loss = Losses.crossEntropy(mlp.apply(x), y);
            loss.backward();
            adam.step(mlp.parameters());
            losses[step] = loss.item();
            stepAxis[step] = step + 1;
            if ((step + 1) % 50 == 0 || step == 0) {
                System.out.println(Cli.fmt("  mlp step %3d  loss %.4f", step + 1, losses[step]));
            }
        }
        double mlpTrain = accuracy(mlp, x, y);
        double mlpTest = accuracy(mlp, tx, ty);
        System.out.println(Cli.fmt("mlp Dense(784,32,relu)-Dense(32,10)-softmax, %d full-batch ADAM steps: acc X,Y %.4f,"
                + " acc tX,tY %.4f  %.1fs", steps, mlpTrain, mlpTest, Cli.secondsSince(t0)));
        Plots.line(dir.resolve("mlp_loss.png"), "Flux MLP: full-batch crossentropy", "step", "loss", stepAxis,
                java.util.Map.of("crossentropy", losses), org.fluxion.train.PlotSize.DEFAULT);

        double convTest = Double.NaN;
        if (convEpochs > 0) {
            t0 = System.nanoTime();
            Sequential conv = new Sequential(
                    new Conv2d(1, 16, 2, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                    new Conv2d(16, 8, 2, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                    new Flatten(), new Linear(288, 10, rng));
            Adam convAdam = new Adam(1e-3);
            DataLoader loader = DataLoader.builder(set.train()).batchSize(convBatch).shuffle(options.seed).build();
            History history = new History();
            for (int epoch = 0; epoch < convEpochs; epoch++) {
                double sum = 0;
                int n = 0;
                for (Batch batch : loader) {
                    conv.zeroGrad();
                    Tensor loss = Losses.crossEntropy(conv.apply(batch.features()), batch.labels());
                    loss.backward();
                    convAdam.step(conv.parameters());
                    sum += loss.item() * batch.size();
                    n += batch.size();
                }
                convTest = accuracy(conv, tx, ty);
                history.record(epoch, java.util.Map.of(History.TRAIN_LOSS, sum / n, History.VAL_ACCURACY, convTest));
                System.out.println(Cli.fmt("  conv epoch %d/%d  loss %.4f  acc tX,tY %.4f", epoch + 1, convEpochs, sum / n,
                        convTest));
            }
            System.out.println(Cli.fmt("conv net Conv(2x2,1=>16)-pool-Conv(2x2,16=>8)-pool-Dense(288,10): acc X,Y %.4f,"
                    + " acc tX,tY %.4f  %.1fs", accuracy(conv, x, y), convTest, Cli.secondsSince(t0)));
            Plots.lossCurves(history, dir.resolve("conv_history.png"));
        }
        System.out.println("wrote mlp_loss.png" + (convEpochs > 0 ? " and conv_history.png" : "") + " to " + dir);
        System.out.println(Cli.fmt("RESULT example=flux-mnist first_loss=%.4f loss=%.4f mlp_train_accuracy=%.4f"
                + " mlp_test_accuracy=%.4f conv_test_accuracy=%.4f", losses[0], losses[steps - 1], mlpTrain, mlpTest,
                convTest));
        return 0;
    }

    private static double accuracy(Sequential model, Tensor x, Tensor y) {
        try (var noGrad = GradMode.noGrad()) {
            double correct = 0;
            for (int i = 0; i < x.dim(0); i += 1000) {
                int end = Math.min(x.dim(0), i + 1000);
                correct += Metrics.accuracy(model.apply(x.slice(0, i, end)), y.slice(0, i, end)) * (end - i);
            }
            return correct / x.dim(0);
        }
    }
}

package org.fluxion.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Synthetic;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Init;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Reduction;
import org.fluxion.nn.Regularization;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Sgd;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Metrics;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Seed 003's two-layer network on the moons: tanh hidden layer, softmax output, L2 on the weights
 * ({@code reg/2 * sum W^2}), full-batch gradient descent on the summed cross-entropy, as the notebook.
 */
@Command(name = "moons", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A 2-layer tanh/softmax net with L2 on 200 moons points, one decision boundary per hidden size.")
final class MoonsExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--hidden", split = ",", defaultValue = "1,2,3,4,5,20,50",
            description = "hidden layer sizes (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(names = "--steps", defaultValue = "20000", description = "gradient-descent steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--points", defaultValue = "200", description = "moons points (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--lr", defaultValue = "0.01", description = "learning rate epsilon (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--reg", defaultValue = "0.01", description = "L2 strength reg_lambda (default: ${DEFAULT-VALUE})")
    double reg;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.check(spec, points >= 4, "--points must be >= 4, got " + points);
        Cli.positive(spec, "--lr", lr);
        Cli.nonNegative(spec, "--reg", reg);
        Cli.check(spec, hidden.stream().allMatch(h -> h >= 1), "--hidden sizes must be >= 1, got " + hidden);
        Path dir = options.outputDir("moons");
        TensorDataset data = Synthetic.moons(points, 0.20, options.seed);
        Tensor x = data.features();
        Tensor y = data.labels();
        System.out.println(Cli.fmt("moons: %d points (noise 0.20), full-batch gradient descent, lr %s, L2 %s, %d steps",
                points, lr, reg, steps));
        for (int h : hidden) {
            long t0 = System.nanoTime();
            Sequential net = network(h, new SplittableRandom(options.seed));
            Sgd sgd = new Sgd(lr);
            double first = Double.NaN;
            double loss = Double.NaN;
            for (int step = 0; step < steps; step++) {
                net.zeroGrad();
                Tensor value = Losses.crossEntropy(net.apply(x), y, 0, Reduction.SUM)
                        .add(Regularization.l2(Regularization.weights(net), reg / 2));
                value.backward();
                sgd.step(net.parameters());
                loss = value.item() / points;
                if (step == 0) {
                    first = loss;
                }
            }
            double accuracy;
            try (var noGrad = GradMode.noGrad()) {
                accuracy = Metrics.accuracy(net.apply(x), y);
            }
            Path png = dir.resolve(Cli.fmt("moons_hidden_%d.png", h));
            Plots.decisionBoundary(p -> {
                try (var noGrad = GradMode.noGrad()) {
                    return net.apply(p).softmax(1);
                }
            }, x, y, png);
            System.out.println(Cli.fmt("RESULT example=moons hidden=%d first_loss=%.4f loss=%.4f accuracy=%.4f seconds=%.1f",
                    h, first, loss, accuracy, Cli.secondsSince(t0)));
        }
        System.out.println("wrote moons_hidden_<size>.png to " + dir);
        return 0;
    }

    /** W1 ~ N(0, 1/2), W2 ~ N(0, 1/h), zero biases, as the notebook's {@code randn / sqrt(fan-in)}. */
    static Sequential network(int h, SplittableRandom rng) {
        return new Sequential(
                new Linear(Init.normal(rng, 1 / Math.sqrt(2), DType.FLOAT32, h, 2), Tensor.zeros(h)),
                Activation.tanh(),
                new Linear(Init.normal(rng, 1 / Math.sqrt(h), DType.FLOAT32, 2, h), Tensor.zeros(2)));
    }
}

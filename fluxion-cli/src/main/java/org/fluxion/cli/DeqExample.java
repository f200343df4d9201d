package org.fluxion.cli;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Synthetic;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.DeqLayer;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Reduction;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Metrics;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A deep equilibrium model (the seed's "Deep Equilibrium Models") trained on the moons: a {@link DeqLayer}
 * {@code z = tanh(z W^T + x U^T + b)} solved by fixed-point iteration, then a linear read-out, trained with
 * Adam. Its gradients come from the implicit function theorem (one adjoint solve by GMRES per step), so the
 * backward pass costs the same however many iterations the forward pass took.
 */
@Command(name = "deq", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A deep equilibrium layer trained on the moons by implicit differentiation.")
final class DeqExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--hidden", defaultValue = "16", description = "equilibrium state size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--steps", defaultValue = "300", description = "full-batch Adam steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--points", defaultValue = "200", description = "moons points (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.check(spec, points >= 4, "--points must be >= 4, got " + points);
        Cli.check(spec, hidden >= 1, "--hidden must be >= 1, got " + hidden);
        Cli.positive(spec, "--lr", lr);
        Path dir = options.outputDir("deq");
        TensorDataset data = Synthetic.moons(points, 0.20, options.seed);
        Tensor x = data.features().to(DType.FLOAT64);
        Tensor y = data.labels();
        SplittableRandom rng = new SplittableRandom(options.seed);
        Sequential net = new Sequential(new DeqLayer(2, hidden, DType.FLOAT64, 1e-7, rng),
                new Linear(hidden, 2, true, DType.FLOAT64, rng));
        Adam adam = new Adam(lr);
        System.out.println(Cli.fmt("moons: %d points, DeqLayer 2->%d (fixed point to 1e-7, GMRES adjoint), linear "
                + "read-out, Adam lr %s, %d full-batch steps", points, hidden, lr, steps));
        long t0 = System.nanoTime();
        double first = Double.NaN;
        double loss = Double.NaN;
        for (int step = 0; step < steps; step++) {
            net.zeroGrad();
            Tensor value = Losses.crossEntropy(net.apply(x), y, 0, Reduction.MEAN);
            value.backward();
            adam.step(net.parameters());
            loss = value.item();
            if (step == 0) {
                first = loss;
            }
        }
        double accuracy;
        try (var noGrad = GradMode.noGrad()) {
            accuracy = Metrics.accuracy(net.apply(x), y);
        }
        Plots.decisionBoundary(p -> {
            try (var noGrad = GradMode.noGrad()) {
                return net.apply(p.to(DType.FLOAT64)).softmax(1).to(DType.FLOAT32);
            }
        }, data.features(), y, dir.resolve("deq_moons.png"));
        System.out.println("wrote deq_moons.png to " + dir);
        System.out.println(Cli.fmt("RESULT example=deq hidden=%d first_loss=%.4f loss=%.4f accuracy=%.4f seconds=%.1f",
                hidden, first, loss, accuracy, Cli.secondsSince(t0)));
        return 0;
    }
}

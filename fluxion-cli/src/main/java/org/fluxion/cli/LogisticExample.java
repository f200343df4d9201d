package org.fluxion.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Plots;
import org.fluxion.train.PlotSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 003's logistic regression (autograd's README example): {@code sigmoid(inputs . weights)} on the
 * notebook's four samples, loss {@code -sum log p(label)}, gradient descent from zero weights.
 */
@Command(name = "logistic", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Logistic regression on a 4-sample toy set (3 features) by gradient descent.")
final class LogisticExample implements Callable<Integer> {
    static final double[][] INPUTS = {{0.52, 1.12, 0.77}, {0.88, -1.08, 0.15}, {0.52, 0.06, -1.30}, {0.74, -2.49, 1.39}};
    static final boolean[] TARGETS = {true, true, false, true};

    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--steps", defaultValue = "100", description = "gradient-descent steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "0.01", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.positive(spec, "--lr", lr);
        Path dir = options.outputDir("logistic");
        Tensor inputs = Tensor.fromNested(INPUTS).to(DType.FLOAT64);
        double[] t = new double[TARGETS.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = TARGETS[i] ? 1 : 0;
        }
        Tensor targets = Tensor.of(t, t.length);
        Tensor weights = Tensor.zeros(DType.FLOAT64, 3);
        double[] losses = new double[steps + 1];
        for (int step = 0; step <= steps; step++) {
            Tensor w = weights.detach().requiresGrad(true);
            Tensor loss = loss(w, inputs, targets);
            losses[step] = loss.item();
            if (step == steps) {
                break;
            }
            loss.backward();
            weights = w.detach().sub(w.grad().mul(lr));
        }
        Tensor probabilities = inputs.matmul(weights).sigmoid();
        System.out.println(Cli.fmt("initial loss %.4f, final loss %.4f after %d steps of lr %s", losses[0],
                losses[steps], steps, lr));
        System.out.println("weights: " + Arrays.toString(round(weights.toDoubleArray())));
        System.out.println("targets: " + Arrays.toString(TARGETS) + ", predicted P(true): "
                + Arrays.toString(round(probabilities.toDoubleArray())));
        double[] xs = new double[steps + 1];
        Arrays.setAll(xs, i -> i);
        Plots.line(dir.resolve("logistic_loss.png"), "Logistic regression, 4 samples", "step", "training loss", xs,
                Map.of("-sum log p(label)", losses), PlotSize.DEFAULT);
        System.out.println("wrote logistic_loss.png to " + dir);
        long correct = 0;
        double[] p = probabilities.toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            correct += (p[i] > 0.5) == TARGETS[i] ? 1 : 0;
        }
        System.out.println(Cli.fmt("RESULT example=logistic first_loss=%.4f loss=%.4f accuracy=%.4f", losses[0],
                losses[steps], (double) correct / p.length));
        return 0;
    }

    /** {@code -sum(log(p if target else 1 - p))}, {@code p = sigmoid(inputs . w)}. */
    static Tensor loss(Tensor w, Tensor inputs, Tensor targets) {
        Tensor p = inputs.matmul(w).sigmoid();
        Tensor labelProbabilities = p.mul(targets).add(p.neg().add(1).mul(targets.neg().add(1)));
        return labelProbabilities.log().sum().neg();
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 1e4) / 1e4).toArray();
    }
}

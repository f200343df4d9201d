package org.fluxion.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.linalg.Linalg;
import org.fluxion.nn.Losses;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.PlotSize;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 004's lesson on the fire-and-theft regression: gradient descent with too large a learning
 * rate diverges, a small enough one converges (slowly), and the exact least-squares line comes from
 * {@code Linalg.lstsq} (QR of the design matrix, where the seed calls {@code np.linalg.lstsq}). The data
 * are synthetic (42 neighbourhoods as in the seed, thefts ~ 17 + 1.3 fires + noise), since the seed's
 * spreadsheet is not bundled.
 */
@Command(name = "linear-regression", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Gradient descent with too large a learning rate vs a good one vs exact least squares.")
final class LinearRegressionExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--points", defaultValue = "42", description = "data points (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--steps", defaultValue = "20000", description = "full-batch gradient-descent steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "0.001", description = "the good learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--large-lr", defaultValue = "0.003", description = "the too large learning rate (default: ${DEFAULT-VALUE})")
    double largeLr;

    /** Gradient descent's trajectory: the MSE before each step, and the final parameters. */
    record Descent(double[] mse, double w, double b, int divergedAt) {
    }

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, points >= 2, "--points must be >= 2, got " + points);
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.positive(spec, "--lr", lr);
        Cli.positive(spec, "--large-lr", largeLr);
        Path dir = options.outputDir("linear-regression");
        SplittableRandom rng = new SplittableRandom(options.seed);
        double[] xs = new double[points];
        double[] ys = new double[points];
        for (int i = 0; i < points; i++) {
            xs[i] = 2 + 38 * rng.nextDouble();
            ys[i] = Math.max(0, 17 + 1.3 * xs[i] + 8 * rng.nextGaussian());
        }
        Tensor x = Tensor.of(xs, points);
        Tensor y = Tensor.of(ys, points);
        System.out.println(Cli.fmt("%d points (fires, thefts), y ~ 17 + 1.3 x + N(0, 8^2); full-batch gradient descent"
                + " on the mean squared error from w = b = 0, %d steps", points, steps));

        double[] exact = leastSquares(x, y);
        double exactMse = mse(x, y, exact[0], exact[1]);
        System.out.println(Cli.fmt("least squares (lstsq): w = %.4f, b = %.4f, mse %.4f",
                exact[0], exact[1], exactMse));
        Descent good = descend(x, y, lr, steps);
        System.out.println(Cli.fmt("gradient descent, lr %s: w = %.4f, b = %.4f, mse %.4f (first %.1f)", lr, good.w(),
                good.b(), good.mse()[steps], good.mse()[0]));
        Descent large = descend(x, y, largeLr, steps);
        System.out.println(large.divergedAt() >= 0
                ? Cli.fmt("gradient descent, lr %s: diverged, mse %.3g after 50 steps, not finite after %d", largeLr,
                        large.mse()[Math.min(50, large.divergedAt())], large.divergedAt())
                : Cli.fmt("gradient descent, lr %s: w = %.4f, b = %.4f, mse %.4f", largeLr, large.w(), large.b(),
                        large.mse()[steps]));

        double lo = java.util.Arrays.stream(xs).min().orElse(0);
        double hi = java.util.Arrays.stream(xs).max().orElse(1);
        Map<String, double[][]> lines = new LinkedHashMap<>();
        lines.put("least squares", new double[][] {{lo, hi}, {exact[0] * lo + exact[1], exact[0] * hi + exact[1]}});
        lines.put("gradient descent, lr " + lr, new double[][] {{lo, hi}, {good.w() * lo + good.b(), good.w() * hi + good.b()}});
        Charts.scatterWithLines(dir.resolve("fit.png"), "Linear regression: thefts vs fires", "fires", "thefts",
                Map.of("data", new double[][] {xs, ys}), lines);
        int shown = Math.min(steps + 1, 200);
        double[] stepAxis = new double[shown];
        double[] goodCurve = new double[shown];
        double[] largeCurve = new double[shown];
        double[] exactLine = new double[shown];
        double lastFinite = 0;
        for (int i = 0; i < shown; i++) {
            stepAxis[i] = i;
            goodCurve[i] = Math.log10(good.mse()[i]);
            double v = Math.log10(large.mse()[i]);
            lastFinite = Double.isFinite(v) ? v : lastFinite;
            largeCurve[i] = lastFinite;
            exactLine[i] = Math.log10(exactMse);
        }
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("lr " + lr, goodCurve);
        curves.put("lr " + largeLr + " (too large)", largeCurve);
        curves.put("least squares", exactLine);
        Plots.line(dir.resolve("loss.png"), "Gradient descent: log10 MSE per step", "step", "log10 MSE", stepAxis, curves,
                PlotSize.DEFAULT);
        System.out.println("wrote fit.png and loss.png to " + dir);
        System.out.println(Cli.fmt("RESULT example=linear-regression exact_w=%.6f exact_b=%.6f exact_mse=%.6f gd_w=%.6f"
                + " gd_b=%.6f gd_mse=%.6f large_lr_diverged=%b", exact[0], exact[1], exactMse, good.w(), good.b(),
                good.mse()[steps], large.divergedAt() >= 0 || large.mse()[steps] > large.mse()[0]));
        return 0;
    }

    /** The least-squares line {@code y ~ w x + b} ({@code np.linalg.lstsq}, as the seed does): returns {w, b}. */
    static double[] leastSquares(Tensor x, Tensor y) {
        Tensor design = Tensor.stack(1, x, Tensor.ones(DType.FLOAT64, x.dim(0))); // [N, 2]
        return Linalg.lstsq(design, y).toDoubleArray();
    }

    /** Full-batch gradient descent on the MSE from w = b = 0, by autodiff; stops when the loss is not finite. */
    static Descent descend(Tensor x, Tensor y, double lr, int steps) {
        double[] mse = new double[steps + 1];
        java.util.Arrays.fill(mse, Double.POSITIVE_INFINITY);
        Tensor w = Tensor.zeros(DType.FLOAT64);
        Tensor b = Tensor.zeros(DType.FLOAT64);
        for (int step = 0; step <= steps; step++) {
            Tensor wg = w.detach().requiresGrad(true);
            Tensor bg = b.detach().requiresGrad(true);
            Tensor loss = Losses.mse(x.mul(wg).add(bg), y);
            mse[step] = loss.item();
            if (!Double.isFinite(mse[step])) {
                return new Descent(mse, w.item(), b.item(), step);
            }
            if (step == steps) {
                break;
            }
            loss.backward();
            w = wg.detach().sub(wg.grad().mul(lr));
            b = bg.detach().sub(bg.grad().mul(lr));
        }
        return new Descent(mse, w.item(), b.item(), -1);
    }

    private static double mse(Tensor x, Tensor y, double w, double b) {
        return x.mul(w).add(b).sub(y).square().mean().item();
    }
}

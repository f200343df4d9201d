package org.fluxion.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.nn.Losses;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 003's exercise: a linear max-margin classifier by gradient descent on the mean hinge loss,
 * {@code mean(max(0, 1 - y (w . x + b)))}, on two Gaussian blobs (N(0, I) and N((5, 5), I), labels
 * -1 and +1), from zero weights; plots the points, the separating line and the margins.
 */
@Command(name = "svm", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A hinge-loss linear SVM on two Gaussian blobs; plots the separating line.")
final class SvmExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--steps", defaultValue = "10000", description = "gradient-descent steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--lr", defaultValue = "0.05", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--per-class", defaultValue = "100", description = "samples per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--shift", defaultValue = "5", description = "the second blob's centre (s, s) (default: ${DEFAULT-VALUE})")
    double shift;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.positive(spec, "--lr", lr);
        Cli.check(spec, perClass >= 1, "--per-class must be >= 1, got " + perClass);
        Cli.check(spec, Double.isFinite(shift), "--shift must be a finite number, got " + shift);
        Path dir = options.outputDir("svm");
        int n = 2 * perClass;
        SplittableRandom rng = new SplittableRandom(options.seed);
        double[] xy = new double[2 * n];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            boolean positive = i >= perClass;
            xy[2 * i] = rng.nextGaussian() + (positive ? shift : 0);
            xy[2 * i + 1] = rng.nextGaussian() + (positive ? shift : 0);
            labels[i] = positive ? 1 : -1;
        }
        Tensor x = Tensor.of(xy, n, 2);
        Tensor y = Tensor.of(labels, n);
        Tensor w = Tensor.zeros(DType.FLOAT64, 2);
        Tensor b = Tensor.zeros(DType.FLOAT64);
        double first = Double.NaN;
        double loss = Double.NaN;
        for (int step = 0; step <= steps; step++) {
            Tensor wg = w.detach().requiresGrad(true);
            Tensor bg = b.detach().requiresGrad(true);
            Tensor value = Losses.hinge(x.matmul(wg).add(bg), y);
            loss = value.item();
            if (step == 0) {
                first = loss;
                System.out.println(Cli.fmt("initial loss %.4f", loss));
            } else if (step % Math.max(1, steps / 10) == 0) {
                System.out.println(Cli.fmt("step %6d  loss %.4f", step, loss));
            }
            if (step == steps) {
                break;
            }
            value.backward();
            w = wg.detach().sub(wg.grad().mul(lr));
            b = bg.detach().sub(bg.grad().mul(lr));
        }
        double[] wv = w.toDoubleArray();
        double bv = b.item();
        double[] scores = x.matmul(w).add(b).toDoubleArray();
        long correct = 0;
        for (int i = 0; i < n; i++) {
            correct += Math.signum(scores[i]) == labels[i] ? 1 : 0;
        }
        double margin = 1 / Math.hypot(wv[0], wv[1]);
        System.out.println(Cli.fmt("weights w = (%.4f, %.4f), b = %.4f: separating line %.4f x1 + %.4f x2 + %.4f = 0,"
                + " margin half-width 1/|w| = %.4f", wv[0], wv[1], bv, wv[0], wv[1], bv, margin));
        plot(dir.resolve("svm.png"), xy, labels, wv, bv);
        System.out.println("wrote svm.png to " + dir);
        System.out.println(Cli.fmt("RESULT example=svm first_loss=%.4f loss=%.4f accuracy=%.4f margin=%.4f", first, loss,
                (double) correct / n, margin));
        return 0;
    }

    private static void plot(Path path, double[] xy, double[] labels, double[] w, double b) throws java.io.IOException {
        int n = labels.length;
        Map<String, double[][]> points = new LinkedHashMap<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int cls : new int[] {-1, 1}) {
            int count = 0;
            for (double l : labels) {
                count += l == cls ? 1 : 0;
            }
            double[][] p = new double[2][count];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (labels[i] == cls) {
                    p[0][k] = xy[2 * i];
                    p[1][k++] = xy[2 * i + 1];
                    lo = Math.min(lo, xy[2 * i]);
                    hi = Math.max(hi, xy[2 * i]);
                }
            }
            points.put("y = " + cls, p);
        }
        Map<String, double[][]> lines = new LinkedHashMap<>();
        // w0 x1 + w1 x2 + b = c  =>  x2 = (c - b - w0 x1) / w1 (a vertical line when w1 is 0).
        for (double c : new double[] {0, -1, 1}) {
            String name = c == 0 ? "w.x + b = 0" : Cli.fmt("w.x + b = %+.0f", c);
            if (Math.abs(w[1]) > 1e-12) {
                lines.put(name, new double[][] {{lo, hi}, {(c - b - w[0] * lo) / w[1], (c - b - w[0] * hi) / w[1]}});
            } else if (Math.abs(w[0]) > 1e-12) {
                double x1 = (c - b) / w[0];
                lines.put(name, new double[][] {{x1, x1}, {lo, hi}});
            }
        }
        Charts.scatterWithLines(path, "Hinge-loss linear SVM", "x1", "x2", points, lines);
    }
}

package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Metrics;
import org.fluxion.train.PlotSize;
import org.fluxion.train.Plots;
import org.fluxion.train.RocCurve;

/**
 * Trains one {@link ImdbStep} as the notebook does: shuffled mini-batches for a number of steps split into
 * periods, the training and test log loss after each period, then AUC and accuracy on the test reviews, the
 * loss curves and the ROC curve as PNGs, and one {@code RESULT} line.
 */
final class ImdbTraining {
    /** Reviews per forward pass when evaluating, bounding the memory of a pass over 25,000 reviews. */
    private static final int EVAL_CHUNK = 2500;

    private ImdbTraining() {
    }

    /** What a step reached. */
    record Outcome(double firstLoss, double trainLoss, double testLoss, double auc, double accuracy) {
    }

    static Outcome run(ImdbStep step, ImdbData data, ImdbExample.Settings s, Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(s.seed() ^ step.name().hashCode());
        long start = System.nanoTime();
        ImdbStep.Model model = step.build(data, s, rng);
        System.out.println();
        System.out.println("== " + step.name() + ": " + step.title());
        long[] evalTrain = evaluationRows(data.size(ImdbData.Split.TRAIN), s.evalSize(), rng);
        long[] evalTest = evaluationRows(data.size(ImdbData.Split.TEST), s.evalSize(), rng);
        double first = logLoss(model, data, ImdbData.Split.TRAIN, evalTrain);
        System.out.println(Cli.fmt("  before training: log loss train %.4f", first));
        int n = data.size(ImdbData.Split.TRAIN);
        long[] order = permutation(n, rng);
        int cursor = 0;
        double[] periods = new double[s.periods()];
        double[] trainLoss = new double[s.periods()];
        double[] testLoss = new double[s.periods()];
        int done = 0;
        for (int period = 0; period < s.periods(); period++) {
            int until = (int) ((long) s.steps() * (period + 1) / s.periods());
            for (; done < until; done++) {
                if (cursor + s.batchSize() > n) {
                    order = permutation(n, rng);
                    cursor = 0;
                }
                model.step(java.util.Arrays.copyOfRange(order, cursor, cursor + s.batchSize()));
                cursor += s.batchSize();
            }
            periods[period] = period + 1;
            trainLoss[period] = logLoss(model, data, ImdbData.Split.TRAIN, evalTrain);
            testLoss[period] = logLoss(model, data, ImdbData.Split.TEST, evalTest);
            System.out.println(Cli.fmt("  period %2d: log loss train %.4f test %.4f", period + 1, trainLoss[period],
                    testLoss[period]));
        }
        Tensor p = probabilities(model, data, ImdbData.Split.TEST, evalTest);
        Tensor y = data.labels(ImdbData.Split.TEST, evalTest);
        RocCurve roc = Metrics.rocCurve(p, y);
        double[] pa = p.toDoubleArray();
        double[] ya = y.toDoubleArray();
        double accuracy = 0;
        for (int i = 0; i < pa.length; i++) {
            accuracy += (pa[i] > 0.5) == (ya[i] > 0.5) ? 1 : 0;
        }
        accuracy /= pa.length;
        System.out.println(Cli.fmt("  test: AUC %.4f, accuracy %.4f (%.1f s)", roc.auc(), accuracy, Cli.secondsSince(start)));
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("training", trainLoss);
        curves.put("test", testLoss);
        Plots.line(dir.resolve(step.name() + "_log_loss.png"), step.name() + ": LogLoss vs. Periods", "period",
                "log loss", periods, curves, PlotSize.DEFAULT);
        Plots.roc(roc, dir.resolve(step.name() + "_roc.png"));
        model.plots(dir, step.name());
        System.out.println(Cli.fmt("RESULT example=imdb step=%s first_loss=%.4f loss=%.4f test_loss=%.4f auc=%.4f"
                + " accuracy=%.4f", step.name(), first, trainLoss[s.periods() - 1], testLoss[s.periods() - 1], roc.auc(),
                accuracy));
        return new Outcome(first, trainLoss[s.periods() - 1], testLoss[s.periods() - 1], roc.auc(), accuracy);
    }

    /** All rows, or a seeded sample of {@code limit} of them (sorted). */
    private static long[] evaluationRows(int n, int limit, SplittableRandom rng) {
        if (limit <= 0 || limit >= n) {
            long[] all = new long[n];
            java.util.Arrays.setAll(all, i -> i);
            return all;
        }
        long[] p = permutation(n, rng);
        long[] out = java.util.Arrays.copyOf(p, limit);
        java.util.Arrays.sort(out);
        return out;
    }

    private static long[] permutation(int n, SplittableRandom rng) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Probabilities {@code [rows.length]} in eval mode, without gradients, in chunks. */
    static Tensor probabilities(ImdbStep.Model model, ImdbData data, ImdbData.Split split, long[] rows) {
        model.module().eval();
        float[] out = new float[rows.length];
        try (var noGrad = GradMode.noGrad()) {
            for (int from = 0; from < rows.length; from += EVAL_CHUNK) {
                long[] chunk = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + EVAL_CHUNK));
                float[] p = model.logits(split, chunk).sigmoid().toFloatArray();
                System.arraycopy(p, 0, out, from, p.length);
            }
        } finally {
            model.module().train();
        }
        return Tensor.of(out, out.length);
    }

    private static double logLoss(ImdbStep.Model model, ImdbData data, ImdbData.Split split, long[] rows) {
        return Metrics.logLoss(probabilities(model, data, split, rows), data.labels(split, rows));
    }
}

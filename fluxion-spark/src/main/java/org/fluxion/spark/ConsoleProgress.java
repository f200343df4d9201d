package org.fluxion.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Progress on the driver's console: a line every few seconds with the step, the global batch's loss and each
 * worker's examples per second and share of its step spent in the all-reduce; a Keras-like line per epoch;
 * a line for each worker start (with its process id) and each checkpoint.
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private long totalSteps;
    private final long intervalNanos;
    private final Map<Integer, long[]> perWorker = new TreeMap<>(); // rank -> {examples, compute, all-reduce}
    private long lastPrint = System.nanoTime();

    /** Prints to {@code out} at most every {@code intervalSeconds}. */
    public ConsoleProgress(PrintStream out, double intervalSeconds) {
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public void onWorkerStart(int rank, int attempt, long pid, String host, long fromStep, long totalSteps) {
        this.totalSteps = totalSteps;
        out.printf(Locale.ROOT, "worker %d started (stage attempt %d, pid %d on %s)%s%n", rank, attempt, pid, host,
                fromStep > 0 ? ", resuming from the checkpoint of step " + fromStep : "");
    }

    @Override
    public void onStep(int rank, long step, int epoch, double loss, double correct, int examples, long computeNanos,
                       long allReduceNanos, long bytesSent) {
        long[] w = perWorker.computeIfAbsent(rank, r -> new long[3]);
        w[0] += examples;
        w[1] += computeNanos;
        w[2] += allReduceNanos;
        long now = System.nanoTime();
        if (rank == 0 && now - lastPrint >= intervalNanos) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "step %d/%d epoch %d loss %.4f",
                    step + 1, totalSteps, epoch + 1, loss));
            perWorker.forEach((r, v) -> line.append(String.format(Locale.ROOT, " | worker %d: %.0f examples/s,"
                    + " all-reduce %.0f%%", r, v[0] / ((v[1] + v[2]) / 1e9), 100.0 * v[2] / Math.max(1, v[1] + v[2]))));
            out.println(line);
            perWorker.clear();
            lastPrint = now;
        }
    }

    @Override
    public void onEpoch(int epoch, double loss, double accuracy, double valLoss, double valAccuracy) {
        out.printf(Locale.ROOT, "epoch %d: loss %.4f accuracy %.4f%s%n", epoch + 1, loss, accuracy,
                Double.isNaN(valLoss) ? "" : String.format(Locale.ROOT, " val_loss %.4f val_accuracy %.4f", valLoss,
                        valAccuracy));
    }

    @Override
    public void onCheckpoint(long step) {
        out.printf(Locale.ROOT, "checkpoint after step %d%n", step);
    }
}

package org.fluxion.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Prints one line per epoch, as Keras's {@code fit(verbose=1)} ends each epoch: the epoch, its own time
 * (training and validation, not the time since the start), the time per training step, and every value
 * of the epoch's logs under its name:
 *
 * <pre>epoch 2/10 - 11.4s 12ms/step - loss: 0.3121 - accuracy: 0.8874 - val_loss: 0.3392 - val_accuracy: 0.8790</pre>
 *
 * <p>{@link Trainer#fit} adds one (to {@code System.out} unless told otherwise, see
 * {@link Trainer#epochLog}), whether or not the progress bar is shown.
 */
public final class EpochSummary implements Callback {
    private final PrintStream out;
    private final int epochs;
    private final LongSupplier clock;
    private final boolean validates;
    private long epochStart;
    private int batches;

    /**
     * @param out where to print
     * @param epochs the number of epochs asked for (the {@code /10} of {@code epoch 2/10})
     * @param validates whether each epoch is validated: an epoch whose logs lack {@link History#VAL_LOSS}
     *     then says {@code stopped, not validated} (a callback stopped it within its batches)
     * @param clock nanosecond clock, {@code System::nanoTime} outside tests
     */
    public EpochSummary(PrintStream out, int epochs, boolean validates, LongSupplier clock) {
        this.out = out;
        this.epochs = epochs;
        this.validates = validates;
        this.clock = clock;
    }

    @Override
    public void onEpochBegin(int epoch) {
        epochStart = clock.getAsLong();
        batches = 0;
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        batches++;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        out.println(line(epoch, (clock.getAsLong() - epochStart) / 1e9, batches, logs));
        out.flush();
    }

    /** The line for 0-based {@code epoch} that took {@code seconds} over {@code steps} training steps. */
    String line(int epoch, double seconds, int steps, Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d - %s", epoch + 1, epochs,
                ProgressBar.duration(seconds)));
        if (steps > 0) {
            sb.append(' ').append(perStep(seconds / steps));
        }
        logs.forEach((name, value) -> sb.append(" - ").append(name).append(": ").append(ProgressBar.metric(value)));
        if (validates && !logs.containsKey(History.VAL_LOSS)) {
            sb.append(" - stopped, not validated");
        }
        return sb.toString();
    }

    /** {@code 12ms/step}, {@code 850us/step} or {@code 1.3s/step}. */
    static String perStep(double seconds) {
        long micros = Math.round(seconds * 1e6);
        if (micros < 1000) {
            return micros + "us/step";
        }
        long millis = Math.round(seconds * 1e3);
        return millis < 1000 ? millis + "ms/step" : String.format(Locale.ROOT, "%.1fs/step", seconds);
    }
}

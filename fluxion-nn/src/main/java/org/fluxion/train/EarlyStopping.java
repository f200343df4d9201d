package org.fluxion.train;

import java.util.Map;
import org.fluxion.train.Monitor.Mode;

/**
 * Stops training when a monitored validation metric has not improved for {@code patience} epochs.
 *
 * <p>An epoch improves on the best so far as {@link Monitor#improves} says: {@code value < best - minDelta}
 * (mode {@link Mode#MIN}, e.g. {@code val_loss}) or {@code value > best + minDelta} ({@link Mode#MAX}, e.g.
 * {@code val_accuracy}); NaN never improves. Training stops after {@code patience} epochs in a row
 * without improvement.
 *
 * <p>Restoring the best weights needs the model, which this class does not know: it raises events
 * instead. {@link Listener#onImprovement} fires at each new best (snapshot the parameters there),
 * and {@link Listener#onRestoreBest} fires from {@link #onTrainEnd()} when the last epoch was not the
 * best (copy the snapshot back).
 */
public final class EarlyStopping implements Callback {
    /** Events for keeping and restoring the best weights. */
    public interface Listener {
        default void onImprovement(int epoch, double value) {
        }

        default void onRestoreBest(int bestEpoch, double bestValue) {
        }
    }

    private final Monitor monitor;
    private final int patience;
    private final Listener listener;

    private double best;
    private int bestEpoch;
    private int lastEpoch;
    private int wait;
    private int stoppedEpoch;

    /**
     * @param monitor the metric name in the epoch logs, e.g. {@link History#VAL_LOSS}
     * @param patience epochs without improvement before stopping, {@code >= 1}
     * @param minDelta the smallest change that counts as an improvement, {@code >= 0}
     * @param listener improvement and restore events; {@code null} for none
     */
    public EarlyStopping(String monitor, Mode mode, int patience, double minDelta, Listener listener) {
        this(new Monitor(monitor, mode, minDelta), patience, listener);
    }

    /**
     * @param monitor the metric, whether smaller or larger is better, and the smallest improvement
     * @param patience epochs without improvement before stopping, {@code >= 1}
     * @param listener improvement and restore events; {@code null} for none
     */
    public EarlyStopping(Monitor monitor, int patience, Listener listener) {
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.listener = listener == null ? new Listener() { } : listener;
        onTrainBegin();
    }

    /** Stops when {@code monitor} has not decreased for {@code patience} epochs. */
    public static EarlyStopping minimize(String monitor, int patience) {
        return new EarlyStopping(monitor, Mode.MIN, patience, 0, null);
    }

    /** Stops when {@code monitor} has not increased for {@code patience} epochs. */
    public static EarlyStopping maximize(String monitor, int patience) {
        return new EarlyStopping(monitor, Mode.MAX, patience, 0, null);
    }

    @Override
    public void onTrainBegin() {
        best = monitor.worst();
        bestEpoch = -1;
        lastEpoch = -1;
        wait = 0;
        stoppedEpoch = -1;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double value = monitor.valueIn(logs, "EarlyStopping");
        lastEpoch = epoch;
        // The first finite value is always a best, even if minDelta exceeds the gap to infinity.
        if (monitor.improves(value, best) || (bestEpoch < 0 && !Double.isNaN(value))) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            listener.onImprovement(epoch, value);
        } else if (++wait >= patience && stoppedEpoch < 0) {
            stoppedEpoch = epoch;
        }
    }

    @Override
    public boolean shouldStop() {
        return stoppedEpoch >= 0;
    }

    @Override
    public void onTrainEnd() {
        if (bestEpoch >= 0 && bestEpoch != lastEpoch) {
            listener.onRestoreBest(bestEpoch, best);
        }
    }

    /** The epoch with the best value so far, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best value so far (infinite before the first epoch). */
    public double bestValue() {
        return best;
    }

    /** The epoch at which stopping was requested, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    public String monitor() {
        return monitor.metric();
    }
}

package org.fluxion.train;

import java.util.Map;

/**
 * Stops training when a monitored validation metric has not improved for {@code patience} epochs.
 *
 * <p>An epoch improves on the best so far when {@code value < best - minDelta} (mode
 * {@link Mode#MIN}, e.g. {@code valLoss}) or {@code value > best + minDelta} ({@link Mode#MAX}, e.g.
 * {@code valAccuracy}); NaN never improves. Training stops after {@code patience} epochs in a row
 * without improvement.
 *
 * <p>Restoring the best weights needs the model, which this class does not know: it raises events
 * instead. {@link Listener#onImprovement} fires at each new best (snapshot the parameters there),
 * and {@link Listener#onRestoreBest} fires from {@link #onTrainEnd()} when the last epoch was not the
 * best (copy the snapshot back).
 */
public final class EarlyStopping implements Callback {
    /** Whether smaller or larger values of the metric are better. */
    public enum Mode {
        MIN, MAX
    }

    /** Events for keeping and restoring the best weights. */
    public interface Listener {
        default void onImprovement(int epoch, double value) {
        }

        default void onRestoreBest(int bestEpoch, double bestValue) {
        }
    }

    private final String monitor;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
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
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        }
        this.monitor = monitor;
        this.mode = mode;
        this.patience = patience;
        this.minDelta = minDelta;
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
        best = mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        bestEpoch = -1;
        lastEpoch = -1;
        wait = 0;
        stoppedEpoch = -1;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            throw new IllegalArgumentException("EarlyStopping: metric '" + monitor + "' is not in the epoch logs "
                    + logs.keySet());
        }
        lastEpoch = epoch;
        boolean improved = mode == Mode.MIN ? value < best - minDelta : value > best + minDelta;
        // The first finite value is always a best, even if minDelta exceeds the gap to infinity.
        if (improved || (bestEpoch < 0 && !value.isNaN())) {
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
        return monitor;
    }
}

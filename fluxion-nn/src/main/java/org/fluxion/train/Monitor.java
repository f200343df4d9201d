package org.fluxion.train;

import java.util.Map;

/**
 * A metric of the epoch logs that a callback watches ({@link ModelCheckpoint}, {@link ReduceLrOnPlateau}),
 * whether smaller or larger is better, and by how much a value must beat the best to count.
 *
 * <p>A value improves on {@code best} when {@code value < best - minDelta} ({@link Mode#MIN}) or
 * {@code value > best + minDelta} ({@link Mode#MAX}); NaN never improves. The best starts at
 * {@code +inf} (MIN) or {@code -inf} (MAX), so the first finite value improves when {@code minDelta} is finite.
 *
 * @param metric the name in the epoch logs, e.g. {@link History#VAL_LOSS}
 * @param mode whether smaller or larger is better
 * @param minDelta the smallest change that counts as an improvement, {@code >= 0}
 */
public record Monitor(String metric, Mode mode, double minDelta) {
    /** Whether smaller or larger values of the metric are better. */
    public enum Mode {
        /** Smaller is better (losses, errors). */
        MIN,
        /** Larger is better (accuracies, AUC). */
        MAX
    }

    public Monitor {
        if (metric == null || metric.isEmpty()) {
            throw new IllegalArgumentException("Monitor: the metric name must not be empty");
        }
        if (mode == null) {
            throw new IllegalArgumentException("Monitor: mode must be MIN or MAX, got null");
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("Monitor: minDelta must be >= 0, got " + minDelta);
        }
    }

    /**
     * {@code metric} with Keras's {@code mode="auto"}: larger is better for accuracies and AUC (names
     * containing {@code acc} or ending in {@code auc}), smaller for everything else; {@code minDelta} 0.
     */
    public static Monitor of(String metric) {
        String lower = metric.toLowerCase(java.util.Locale.ROOT);
        boolean larger = lower.contains("acc") || lower.endsWith("auc");
        return new Monitor(metric, larger ? Mode.MAX : Mode.MIN, 0);
    }

    /** The worst value, where the best starts. */
    public double worst() {
        return mode == Mode.MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** True when {@code value} beats {@code best} by more than {@code minDelta}. */
    public boolean improves(double value, double best) {
        return mode == Mode.MIN ? value < best - minDelta : value > best + minDelta;
    }

    /**
     * The metric's value in {@code logs}.
     *
     * @throws IllegalArgumentException naming {@code who}, the metric and the names the logs have, when absent
     */
    public double valueIn(Map<String, Double> logs, String who) {
        Double value = logs.get(metric);
        if (value == null) {
            throw new IllegalArgumentException(who + ": metric '" + metric + "' is not in the epoch logs " + logs.keySet()
                    + (metric.startsWith("val_") ? " (is there a validation set?)" : ""));
        }
        return value;
    }
}

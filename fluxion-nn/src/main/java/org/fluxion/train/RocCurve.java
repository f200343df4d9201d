package org.fluxion.train;

/**
 * A receiver operating characteristic curve for binary scores.
 *
 * <p>Point {@code i} classifies {@code score >= thresholds[i]} as positive and gives
 * {@code fpr[i] = FP / negatives} and {@code tpr[i] = TP / positives}. Thresholds are the distinct
 * scores in decreasing order, preceded by {@code +Infinity} so the curve starts at (0, 0); it ends
 * at (1, 1).
 */
public record RocCurve(double[] thresholds, double[] fpr, double[] tpr) {
    public RocCurve {
        if (thresholds.length != fpr.length || fpr.length != tpr.length) {
            throw new IllegalArgumentException("RocCurve: thresholds, fpr and tpr have lengths "
                    + thresholds.length + ", " + fpr.length + ", " + tpr.length);
        }
    }

    /**
     * Area under the curve by the trapezoid rule, {@code sum_i (fpr[i+1] - fpr[i]) * (tpr[i+1] + tpr[i]) / 2}.
     * It equals the Mann-Whitney probability that a random positive scores above a random negative,
     * ties counting one half.
     */
    public double auc() {
        return Metrics.trapezoidArea(fpr, tpr);
    }

    public int size() {
        return thresholds.length;
    }
}

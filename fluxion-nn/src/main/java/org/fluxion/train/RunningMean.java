package org.fluxion.train;

/**
 * A weighted mean accumulated over batches: {@code mean = sum(w_i * x_i) / sum(w_i)}.
 *
 * <p>Typical use is the epoch loss, where each batch's mean loss is added with the batch size as
 * weight so that a short last batch counts for what it holds. Uses Kahan summation because an
 * epoch can add hundreds of thousands of terms.
 */
public final class RunningMean {
    private double sum;
    private double compensation;
    private double weight;

    /** Adds one observation of weight 1. */
    public RunningMean add(double value) {
        return add(value, 1);
    }

    /** Adds {@code value} with weight {@code weight >= 0} (e.g. a batch's mean loss and its size). */
    public RunningMean add(double value, double weight) {
        if (!(weight >= 0)) {
            throw new IllegalArgumentException("RunningMean.add: weight must be >= 0, got " + weight);
        }
        double term = value * weight - compensation;
        double next = sum + term;
        compensation = (next - sum) - term;
        sum = next;
        this.weight += weight;
        return this;
    }

    /** The weighted mean so far; NaN before anything was added. */
    public double mean() {
        return weight == 0 ? Double.NaN : sum / weight;
    }

    /** The total weight added (the number of observations when all weights are 1). */
    public double weight() {
        return weight;
    }

    public void reset() {
        sum = 0;
        compensation = 0;
        weight = 0;
    }

    @Override
    public String toString() {
        return "RunningMean[mean=" + mean() + ", weight=" + weight + "]";
    }
}

package org.fluxion.train;

import java.util.function.BiFunction;
import org.fluxion.tensor.Tensor;

/**
 * A user metric for {@link Trainer#metrics}: computed on every batch from the model's output and the
 * labels, accumulated over an epoch's training batches (logged as {@code name}) and over the validation
 * set (logged as {@code val_name}), as Keras's {@code metrics=[...]}.
 *
 * <p>A metric is a factory of {@link State}s, one per pass, so that a metric that is not a mean of
 * per-batch values (AUC, a confusion count) accumulates what it needs; {@link #mean} covers the usual
 * case of a per-sample mean.
 */
public interface Metric {
    /** The name in the logs; validation values get {@code val_} before it. */
    String name();

    /** A fresh accumulator for one pass over the data. */
    State newState();

    /** What a metric accumulates over one pass. */
    interface State {
        /**
         * Adds a batch.
         *
         * @param output the model's output for the batch, {@code [B, ...]}, not recording gradients
         * @param labels the batch's labels, {@code [B, ...]}
         */
        void update(Tensor output, Tensor labels);

        /** The metric over the batches added so far (NaN when none was). */
        double result();
    }

    /**
     * A metric whose value on a batch is the mean over its samples, {@code batchMean(output, labels)} a
     * scalar tensor: the pass's value is the mean weighted by batch size, so a short last batch counts for
     * what it holds (e.g. {@code Metric.mean("mae", (y, t) -> y.sub(t).abs().mean())}).
     */
    static Metric mean(String name, BiFunction<Tensor, Tensor, Tensor> batchMean) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Metric.mean: the name must not be empty");
        }
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public State newState() {
                RunningMean mean = new RunningMean();
                return new State() {
                    @Override
                    public void update(Tensor output, Tensor labels) {
                        Tensor value = batchMean.apply(output, labels);
                        if (value.size() != 1) {
                            throw new IllegalArgumentException("metric '" + name + "': the batch value must be a "
                                    + "scalar, got shape " + value.shape());
                        }
                        mean.add(value.item(), labels.dim(0));
                    }

                    @Override
                    public double result() {
                        return mean.mean();
                    }
                };
            }

            @Override
            public String toString() {
                return "Metric.mean(" + name + ")";
            }
        };
    }

    /** The fraction of samples whose label is among the {@code k} highest scores ({@link Metrics#topKAccuracy}). */
    static Metric topKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("Metric.topKAccuracy: k must be >= 1, got " + k);
        }
        return mean("top" + k + "_accuracy", (scores, labels) -> Tensor.scalar(Metrics.topKAccuracy(scores, labels, k)));
    }
}

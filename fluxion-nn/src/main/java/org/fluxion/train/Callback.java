package org.fluxion.train;

import java.util.Map;

/**
 * Hooks a training loop calls, Keras-style. Every method has an empty default, so a callback
 * implements only what it needs. Epochs and batches count from 0.
 *
 * <p>{@code logs} maps metric names ({@link History#TRAIN_LOSS}, {@link History#VAL_LOSS},
 * {@link History#VAL_ACCURACY}...) to values; after a batch it holds that batch's values, after an
 * epoch the epoch's.
 */
public interface Callback {
    default void onTrainBegin() {
    }

    default void onEpochBegin(int epoch) {
    }

    default void onBatchEnd(int batch, Map<String, Double> logs) {
    }

    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /** Called once after the last epoch, also when training stopped early. */
    default void onTrainEnd() {
    }

    /**
     * Asked by the loop after each batch's {@link #onBatchEnd} and each epoch's {@link #onEpochEnd};
     * true ends training (after a batch: the epoch ends there, see {@link Trainer#fit}).
     */
    default boolean shouldStop() {
        return false;
    }
}

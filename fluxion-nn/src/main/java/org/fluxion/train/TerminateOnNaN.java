package org.fluxion.train;

import java.util.Map;

/**
 * Stops training at the first batch whose loss is NaN or infinite (Keras's {@code TerminateOnNaN}):
 * once the loss has diverged every later step only spreads NaN through the parameters, so going on
 * wastes the run and hides where it went wrong.
 *
 * <p>It watches {@link History#TRAIN_LOSS} in each batch's logs and asks the loop to stop right after
 * that batch ({@link Callback#shouldStop()} is asked after every batch). The model then holds the
 * parameters of that last, non-finite step. Afterwards {@link #terminated()} says whether it fired and
 * {@link #message()} says where, for the user.
 */
public final class TerminateOnNaN implements Callback {
    private int epoch;
    private int stoppedEpoch;
    private int stoppedBatch;
    private double loss;

    public TerminateOnNaN() {
        onTrainBegin();
    }

    @Override
    public void onTrainBegin() {
        epoch = 0;
        stoppedEpoch = -1;
        stoppedBatch = -1;
        loss = Double.NaN;
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        Double value = logs.get(History.TRAIN_LOSS);
        if (stoppedBatch < 0 && value != null && !Double.isFinite(value)) {
            stoppedEpoch = epoch;
            stoppedBatch = batch;
            loss = value;
        }
    }

    @Override
    public boolean shouldStop() {
        return terminated();
    }

    /** True when a non-finite loss stopped training. */
    public boolean terminated() {
        return stoppedBatch >= 0;
    }

    /** The epoch (from 0) of the non-finite loss, or -1. */
    public int epoch() {
        return stoppedEpoch;
    }

    /** The batch within {@link #epoch()} (from 0) of the non-finite loss, or -1. */
    public int batch() {
        return stoppedBatch;
    }

    /** The non-finite loss (NaN or an infinity); NaN when not terminated. */
    public double loss() {
        return loss;
    }

    /**
     * Where training stopped, counting epochs and batches from 1 as a progress bar does, e.g.
     * {@code "training diverged: the loss is NaN at epoch 1, batch 3; stopped"}; empty when not
     * terminated.
     */
    public String message() {
        if (!terminated()) {
            return "";
        }
        return "training diverged: the loss is " + loss + " at epoch " + (stoppedEpoch + 1) + ", batch "
                + (stoppedBatch + 1) + "; stopped";
    }
}

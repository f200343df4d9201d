package org.fluxion.spark;

/**
 * Driver-side events of a distributed run, as the workers report them (from the driver's progress server's
 * threads, one event at a time). After a failure the retried stage reports its steps again from the checkpoint.
 */
public interface TrainingListener {
    /**
     * A worker of stage attempt {@code attempt} started (after reading the checkpoint, if any).
     *
     * @param pid      its executor's process id (on {@code host})
     * @param fromStep   the step it resumes from
     * @param totalSteps the steps of the whole run
     */
    default void onWorkerStart(int rank, int attempt, long pid, String host, long fromStep, long totalSteps) {
    }

    /**
     * A worker finished a step.
     *
     * @param loss           the global batch's mean loss (the same on every worker)
     * @param correct        correctly classified samples of the global batch
     * @param examples       samples of this worker's part of the batch
     * @param computeNanos   this worker's time in the gradient and update steps
     * @param allReduceNanos this worker's time in the all-reduce, waiting for the others included
     * @param bytesSent      bytes this worker sent in all-reduces so far (in this attempt)
     */
    default void onStep(int rank, long step, int epoch, double loss, double correct, int examples, long computeNanos,
                        long allReduceNanos, long bytesSent) {
    }

    /** An epoch ended: its mean step loss and accuracy, and the validation loss and accuracy (NaN: none). */
    default void onEpoch(int epoch, double loss, double accuracy, double valLoss, double valAccuracy) {
    }

    /** A checkpoint of the state after {@code step} steps was written. */
    default void onCheckpoint(long step) {
    }
}

package org.fluxion.spark;

import java.io.Serializable;

/**
 * What each worker of the barrier stage returns to the driver.
 *
 * @param rank           the worker's rank (its partition)
 * @param attempt        the stage attempt that finished (0: no failure)
 * @param model          the final model (the first worker only; null for the others)
 * @param checksum       a CRC of the final parameters' bits: equal on all workers when the replicas agree
 * @param resumedFrom    the step this attempt started from (0, or a checkpoint's)
 * @param steps          steps this attempt ran
 * @param examples       samples this worker processed in this attempt
 * @param setupNanos     time from the task's start to its first step: the replica built, the checkpoint read, the
 *                       rendezvous with the other workers, the all-reduce connected
 * @param loopNanos      time of the steps, all included (compute, all-reduce, progress reports)
 * @param computeNanos   time in the compiled gradient and update steps
 * @param allReduceNanos time in the all-reduce (including waiting for slower workers)
 * @param bytesSent      bytes this worker sent in all-reduces
 * @param gradientFloats values in one all-reduce (parameters plus two statistics)
 */
public record WorkerResult(int rank, int attempt, Snapshot model, long checksum, long resumedFrom, long steps,
                           long examples, long setupNanos, long loopNanos, long computeNanos, long allReduceNanos,
                           long bytesSent, int gradientFloats)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}

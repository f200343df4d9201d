package org.fluxion.spark;

import java.io.Serializable;
import org.fluxion.models.Layer;
import org.fluxion.optim.GradientTransformation;

/**
 * Everything a worker of the barrier stage needs, shipped once in the task closure: how to build the model
 * and the optimizer, the initial parameters (drawn once, on the driver, so that all replicas start equal),
 * the loss and the schedule of the run.
 *
 * @param model           builds the model's structure (its parameters are replaced by {@code initial})
 * @param initial         the initial tensors of the model
 * @param optimizer       builds the optimizer (a schedule inside it counts steps in its state)
 * @param loss            the mean loss of a batch
 * @param globalBatch     samples per step over all workers; each worker takes {@code globalBatch / workers}
 * @param epochs          passes over the data
 * @param seed            seed of the per-epoch shuffle and of the random keys (dropout)
 * @param shuffle         whether each worker shuffles its shard every epoch
 * @param compile         whether the step is compiled
 * @param allReduce       how gradients are summed
 * @param checkpointDir   a directory every worker can read and the first can write (null: no checkpoints)
 * @param checkpointEvery steps between checkpoints
 * @param progress        {@code host:port} of the driver's progress server (null: no reports)
 * @param validation      samples the first worker evaluates after each epoch (null: none)
 * @param failure         a failure to inject, to test recovery (null: none)
 * @param <M>             the model's type
 */
public record TrainJob<M extends Layer>(SerializableSupplier<M> model, Snapshot initial,
                                        SerializableSupplier<GradientTransformation> optimizer, SerializableLoss loss,
                                        int globalBatch, int epochs, long seed, boolean shuffle, boolean compile,
                                        AllReduceKind allReduce, String checkpointDir, int checkpointEvery,
                                        String progress, Shard validation, InjectedFailure failure)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How the workers sum their gradients. */
    public enum AllReduceKind {
        /** Ring all-reduce over TCP between the executors: 2 (K - 1) / K times the gradient's bytes per worker. */
        RING,
        /**
         * The barrier's {@code allGather} through the driver: every worker receives all K gradients (K times the
         * bytes), each step waiting up to a second for the driver's answer; for clusters whose executors cannot
         * connect to each other.
         */
        GATHER;

        /**
         * The sum this all-reduce computes of {@code buffers} (index: rank), in one process: the same additions
         * in the same grouping, so the same bits (what {@link ReferenceRun#sharded} needs to equal a run).
         */
        public float[] sumInOrder(float[][] buffers) {
            return switch (this) {
                case RING -> RingAllReduce.sumInRingOrder(buffers);
                case GATHER -> GatherAllReduce.sumInRankOrder(buffers);
            };
        }
    }

    /**
     * A worker that throws at a step, in the first attempt of the stage only (the retried stage then resumes
     * from the last checkpoint): the deterministic stand-in for a lost executor in local mode.
     *
     * @param rank the worker that fails
     * @param step the global step before which it fails
     */
    public record InjectedFailure(int rank, long step) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** What distinguishes this run's checkpoints from another's (a stale file in the directory is refused). */
    String fingerprint() {
        return "batch=" + globalBatch + " epochs=" + epochs + " seed=" + seed + " shuffle=" + shuffle
                + " tensors=" + initial.entries().size();
    }
}

package org.fluxion.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Layer;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.tensor.Tensor;

/**
 * Data-parallel training on a cluster, for callers that must not depend on a cluster's libraries (the command
 * line): an implementation is found with {@link ServiceLoader} when its module is on the class path
 * ({@code fluxion-spark} provides one), so that a program that never asks for a cluster never loads one.
 */
public interface ClusterTraining {
    /**
     * What to train and where.
     *
     * @param master          the cluster: {@code local[K]} (embedded) or {@code spark://HOST:PORT}
     * @param workers         replicas of the model (tasks of the barrier stage)
     * @param model           builds the model (must be serializable: it runs on every worker)
     * @param optimizer       builds the optimizer (serializable, likewise)
     * @param loss            the mean loss of a batch (serializable, likewise)
     * @param train           the training samples, cut into {@code workers} contiguous shards
     * @param validation      evaluated after each epoch (null: none)
     * @param globalBatch     samples per step over all workers
     * @param epochs          passes over the data
     * @param seed            seed of the shuffles and random keys
     * @param checkpointDir   where checkpoints go, readable by every worker (null: none)
     * @param checkpointEvery steps between checkpoints
     * @param progress        where progress lines go (null: nowhere)
     */
    record Job(String master, int workers, Supplier<? extends Layer> model, Supplier<GradientTransformation> optimizer,
               BiFunction<Tensor, Tensor, Tensor> loss, TensorDataset train, TensorDataset validation, int globalBatch,
               int epochs, long seed, Path checkpointDir, int checkpointEvery, PrintStream progress) {
    }

    /**
     * A finished job.
     *
     * @param model   the trained model
     * @param history loss and accuracy per epoch, and validation loss and accuracy, as single-process training
     * @param summary one line on the run: workers, attempts, all-reduce time and bytes per step
     */
    record Outcome(Layer model, History history, String summary) {
    }

    /** Runs {@code job}. */
    Outcome fit(Job job);

    /** The implementation on the class path, if any. */
    static Optional<ClusterTraining> find() {
        return ServiceLoader.load(ClusterTraining.class).findFirst();
    }
}

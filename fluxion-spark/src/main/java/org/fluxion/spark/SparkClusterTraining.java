package org.fluxion.spark;

import java.io.Serializable;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fluxion.models.Layer;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.ClusterTraining;

/**
 * {@link ClusterTraining} on Spark (what {@code fluxion train --cluster} finds): a session on the job's master
 * (embedded for {@code local[K]}), a {@link SparkTrainer} over the training set cut into one shard per worker,
 * the session stopped at the end.
 */
public final class SparkClusterTraining implements ClusterTraining {
    @Override
    public Outcome fit(Job job) {
        SerializableSupplier<Layer> model = serializable(job.model(), "model");
        SerializableSupplier<GradientTransformation> optimizer = serializable(job.optimizer(), "optimizer");
        BiFunction<Tensor, Tensor, Tensor> loss = serializable(job.loss(), "loss");
        SerializableLoss shippedLoss = loss::apply;
        SparkSession session = FluxionSpark.session(job.master(), "fluxion train", "1g");
        try {
            SparkTrainer<Layer> trainer = new SparkTrainer<>(model, optimizer, shippedLoss)
                    .globalBatch(job.globalBatch()).epochs(job.epochs()).seed(job.seed()).console(job.progress());
            if (job.validation() != null) {
                trainer.validation(job.validation());
            }
            if (job.checkpointDir() != null) {
                trainer.checkpoints(job.checkpointDir(), job.checkpointEvery());
            }
            SparkTrainer.Result<Layer> r = trainer.fit(JavaSparkContext.fromSparkContext(session.sparkContext()),
                    job.train(), job.workers());
            String summary = String.format(Locale.ROOT, "%d workers on %s, %d stage attempt(s); all-reduce %.2f ms and"
                    + " %.0f bytes sent per step and worker, %.1f%% of the step time", job.workers(), job.master(),
                    r.attempts(), r.allReduceSecondsPerStep() * 1e3, r.bytesPerStep(), 100 * r.allReduceFraction());
            return new Outcome(r.model(), r.history(), summary);
        } finally {
            session.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T serializable(Object part, String what) {
        if (!(part instanceof Serializable)) {
            throw new IllegalArgumentException("cluster training: the " + what + " must be serializable to reach the"
                    + " workers (write it as a lambda cast to an intersection with Serializable), got "
                    + part.getClass().getName());
        }
        return (T) part;
    }

    /** Adapts a serializable supplier of the job to the trainer's type. */
    static <T> SerializableSupplier<T> serializable(Supplier<? extends T> supplier, String what) {
        Supplier<? extends T> checked = serializable((Object) supplier, what);
        return checked::get;
    }
}

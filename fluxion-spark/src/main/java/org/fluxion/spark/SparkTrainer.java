package org.fluxion.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Layer;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.train.History;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training on Spark (Horovod-on-Spark's design): one barrier stage whose {@code K}
 * tasks are replicas of the model; each computes the gradient on its {@code B / K} samples of every global
 * batch of {@code B} with the compiled step, the gradients are summed by a ring all-reduce between the
 * executors ({@link RingAllReduce}), and every replica applies the same optimizer update. After {@code N}
 * steps the parameters are those of single-process training with batch {@code B} on the same global batches,
 * up to float32 rounding of the summation order.
 *
 * <pre>{@code
 * SparkTrainer<Sequential> trainer = new SparkTrainer<>(() -> mlp(new SplittableRandom(0)),
 *         () -> Transformations.adam(1e-3), Losses::crossEntropy).globalBatch(128).epochs(1);
 * SparkTrainer.Result<Sequential> r = trainer.fit(sparkContext, trainingSet, 2);
 * }</pre>
 *
 * <p>Failures: with {@link #checkpoints} the first worker writes the state every few steps (atomically); a lost
 * executor fails the barrier stage, Spark runs it again, and every worker resumes from the last checkpoint, so
 * the run ends as an uninterrupted one would. Progress goes to the {@link TrainingListener}s on the driver.
 *
 * @param <M> the model's type
 */
public final class SparkTrainer<M extends Layer> {
    /**
     * A finished run.
     *
     * @param model    the trained model
     * @param history  loss and accuracy (and validation loss and accuracy) per epoch, as single-process training
     * @param workers  what each worker returned, by rank
     * @param attempts stage attempts it took (1: no failure)
     */
    public record Result<M extends Layer>(M model, History history, List<WorkerResult> workers, int attempts) {
        /** Mean time of one all-reduce over the workers, in seconds. */
        public double allReduceSecondsPerStep() {
            return workers.stream().mapToDouble(w -> w.allReduceNanos() / 1e9 / Math.max(1, w.steps())).average()
                    .orElse(0);
        }

        /** The share of the workers' step time spent in the all-reduce (waiting for the slowest included). */
        public double allReduceFraction() {
            double reduce = workers.stream().mapToDouble(WorkerResult::allReduceNanos).sum();
            double compute = workers.stream().mapToDouble(WorkerResult::computeNanos).sum();
            return reduce / Math.max(1, reduce + compute);
        }

        /** Bytes each worker sent per step, averaged over the workers. */
        public double bytesPerStep() {
            return workers.stream().mapToDouble(w -> (double) w.bytesSent() / Math.max(1, w.steps())).average()
                    .orElse(0);
        }
    }

    private final SerializableSupplier<M> model;
    private final SerializableSupplier<GradientTransformation> optimizer;
    private final SerializableLoss loss;
    private int globalBatch = 64;
    private int epochs = 1;
    private long seed;
    private boolean shuffle = true;
    private boolean compile = true;
    private TrainJob.AllReduceKind allReduce = TrainJob.AllReduceKind.RING;
    private Path checkpointDir;
    private int checkpointEvery;
    private Shard validation;
    private TrainJob.InjectedFailure failure;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private PrintStream console;

    /**
     * A trainer of the model {@code model} builds (called once on the driver for the initial parameters, and on
     * each executor for the structure), with the optimizer {@code optimizer} builds, on the mean {@code loss}.
     */
    public SparkTrainer(SerializableSupplier<M> model, SerializableSupplier<GradientTransformation> optimizer,
                        SerializableLoss loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    /** Samples per step over all workers (a multiple of the number of workers); default 64. */
    public SparkTrainer<M> globalBatch(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("globalBatch: must be at least 1, got " + samples);
        }
        this.globalBatch = samples;
        return this;
    }

    /** Passes over the data; default 1. */
    public SparkTrainer<M> epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs: must be at least 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** Seed of the per-epoch shuffles and of the random keys; default 0. */
    public SparkTrainer<M> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Whether each worker shuffles its shard every epoch; default true. */
    public SparkTrainer<M> shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Whether the step is compiled by {@code jit}; default true. */
    public SparkTrainer<M> compile(boolean compile) {
        this.compile = compile;
        return this;
    }

    /** How gradients are summed; default {@link TrainJob.AllReduceKind#RING}. */
    public SparkTrainer<M> allReduce(TrainJob.AllReduceKind kind) {
        this.allReduce = kind;
        return this;
    }

    /**
     * Checkpoints every {@code everySteps} steps to {@code dir}, a path every executor can read and the first
     * worker can write (a shared file system on a real cluster); a run finds the last one there and resumes.
     */
    public SparkTrainer<M> checkpoints(Path dir, int everySteps) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("checkpoints: every must be at least 1 step, got " + everySteps);
        }
        this.checkpointDir = dir.toAbsolutePath();
        this.checkpointEvery = everySteps;
        return this;
    }

    /** Samples the first worker evaluates after each epoch (val_loss, val_accuracy in the history). */
    public SparkTrainer<M> validation(TensorDataset data) {
        this.validation = Shard.of(data, 0, data.size());
        return this;
    }

    /** Driver-side listeners of the run's progress. */
    public SparkTrainer<M> listeners(TrainingListener... more) {
        listeners.addAll(List.of(more));
        return this;
    }

    /** Progress lines on {@code out} (see {@link ConsoleProgress}); null: none (the default). */
    public SparkTrainer<M> console(PrintStream out) {
        this.console = out;
        return this;
    }

    /**
     * Makes worker {@code rank} throw before step {@code step} in the stage's first attempt: a way to exercise
     * recovery (the retried stage resumes from the last checkpoint) where no executor can be killed.
     */
    public SparkTrainer<M> injectFailure(int rank, long step) {
        this.failure = new TrainJob.InjectedFailure(rank, step);
        return this;
    }

    /** Trains on {@code data} cut into {@code workers} contiguous shards, one per worker. */
    public Result<M> fit(JavaSparkContext spark, TensorDataset data, int workers) {
        return fit(Shards.of(spark, data, workers));
    }

    /**
     * Trains on the rows of {@code rows}: {@code featureCol} an array or ML vector column, {@code labelCol} a
     * numeric column, repartitioned into {@code workers} shards by row order (see {@link Shards#of(Dataset,
     * String, String, int[], int)}); {@code sampleDims} is the shape of one sample ({@code [784]},
     * {@code [1, 28, 28]}).
     */
    public Result<M> fit(Dataset<Row> rows, String featureCol, String labelCol, int[] sampleDims, int workers) {
        return fit(Shards.of(rows, featureCol, labelCol, sampleDims, workers));
    }

    /** Trains on {@code shards}: one worker per partition (all of them must be able to run at once). */
    public Result<M> fit(JavaRDD<Shard> shards) {
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(shards.context());
        int workers = shards.getNumPartitions();
        if (globalBatch % workers != 0) {
            throw new IllegalArgumentException("the global batch " + globalBatch + " is not a multiple of the "
                    + workers + " workers (partitions)");
        }
        M initial = model.get();
        List<TrainingListener> all = new ArrayList<>(listeners);
        EpochLog log = new EpochLog();
        all.add(log);
        if (console != null) {
            all.add(new ConsoleProgress(console, 2.0));
        }
        String host = spark.getConf().get("spark.driver.host", "127.0.0.1");
        try (ProgressServer progress = new ProgressServer(host, all)) {
            TrainJob<M> job = new TrainJob<>(model, Snapshot.of(initial), optimizer, loss, globalBatch, epochs, seed,
                    shuffle, compile, allReduce, checkpointDir == null ? null : checkpointDir.toString(),
                    checkpointEvery, progress.address(), validation, failure);
            if (checkpointDir != null) {
                ClusterCheckpoint.checkOwner(checkpointDir, job.fingerprint());
            }
            ClassTag<WorkerResult> tag = ClassTag$.MODULE$.apply(WorkerResult.class);
            RDD<WorkerResult> out = shards.rdd().barrier().mapPartitions(new BarrierTraining<>(job), false, tag);
            // a shuffle after the barrier stage makes it a map stage, which Spark retries as a whole when a task
            // fails; a failed barrier result stage would abort the job
            List<WorkerResult> results = new ArrayList<>(out.toJavaRDD().repartition(1).collect());
            results.sort((a, b) -> Integer.compare(a.rank(), b.rank()));
            long first = results.getFirst().checksum();
            for (WorkerResult r : results) {
                if (r.checksum() != first) {
                    throw new IllegalStateException("the replicas disagree after training: worker " + r.rank()
                            + " has parameter checksum " + r.checksum() + ", worker 0 " + first);
                }
            }
            M trained = results.getFirst().model().into(model.get());
            int attempts = results.stream().mapToInt(WorkerResult::attempt).max().orElse(0) + 1;
            return new Result<>(trained, log.history(), List.copyOf(results), attempts);
        }
    }

    /** The epochs as reported (a repeated epoch, after a failure, replaces the first report). */
    private static final class EpochLog implements TrainingListener {
        private final TreeMap<Integer, Map<String, Double>> epochs = new TreeMap<>();

        @Override
        public synchronized void onEpoch(int epoch, double loss, double accuracy, double valLoss, double valAccuracy) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put(History.TRAIN_LOSS, loss);
            values.put(History.TRAIN_ACCURACY, accuracy);
            if (!Double.isNaN(valLoss)) {
                values.put(History.VAL_LOSS, valLoss);
            }
            if (!Double.isNaN(valAccuracy)) {
                values.put(History.VAL_ACCURACY, valAccuracy);
            }
            epochs.put(epoch, values);
        }

        synchronized History history() {
            History h = new History();
            epochs.forEach(h::record);
            return h;
        }
    }
}

package org.fluxion.spark.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Models;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.Transformations;
import org.fluxion.spark.AllReduceProbe;
import org.fluxion.spark.FluxionSpark;
import org.fluxion.spark.ReferenceRun;
import org.fluxion.spark.SerializableSupplier;
import org.fluxion.spark.SparkTrainer;
import org.fluxion.spark.TrainingListener;
import org.fluxion.spark.WorkerResult;

/**
 * {@code ./fluxion bench spark}: data-parallel training on Spark with {@code local[1]}, {@code local[2]} and a
 * standalone cluster of two workers (started by the bench, {@link StandaloneCluster}, unless {@code --master}
 * names one), against single-process Fluxion on the same global batches (the reference, run alternately with each
 * Spark run in the same JVM). Two workloads: an epoch of the Fashion-MNIST MLP (global batch 64, Adam; median of
 * the repeats; 32 samples per worker with two) and {@code --cnn-steps} steps of the CNN at batch 64 per worker.
 * For each it prints where a step's time goes: compute (the compiled gradient and update), the all-reduce alone
 * ({@link AllReduceProbe}: the same buffer summed back to back), waiting for the other worker (the all-reduce in
 * training minus the all-reduce alone), other per-step work (progress reports, the loop), and the fixed cost of an epoch (the task's setup:
 * replica, rendezvous, ring; and the job: task launch, shipping the shards, collecting the results); the bytes
 * each worker sends per step; the overhead share of a step (all-reduce + waiting + other, over the step); and the
 * scaling efficiency (speedup over the reference / workers). The CNN's overhead should stay under 20% of a step.
 *
 * <pre>
 * ./fluxion bench spark [--limit 12800] [--repeats 3] [--cnn-steps 20] [--data DIR]
 *     [--configs local[1],local[2],standalone] [--master spark://HOST:PORT (an existing 2-worker cluster)]
 * </pre>
 */
public final class SparkBench {
    private static final int BATCH = 64;
    private static final double CNN_OVERHEAD_TARGET = 0.20;

    private SparkBench() {
    }

    /** One workload on one master: medians over the repeats, per step unless named otherwise. */
    private record Measured(String model, String master, int workers, int steps, double epochSeconds,
                            double referenceSeconds, double stepSeconds, double computeSeconds,
                            double allReduceSeconds, double allReduceAloneSeconds, double otherSeconds,
                            double bytesPerStep, double setupSeconds, double launchSeconds) {
        double waitSeconds() {
            return Math.max(0, allReduceSeconds - allReduceAloneSeconds);
        }

        double overheadShare() {
            return (allReduceSeconds + otherSeconds) / stepSeconds;
        }

        double speedup() {
            return referenceSeconds / epochSeconds;
        }

        String config() {
            String where = master.startsWith("spark://") ? "standalone" : master;
            return model + "-b" + BATCH + (workers > 1 && model.equals("cnn") ? "x" + workers : "") + "-" + where
                    + "-k" + workers;
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        int limit = Integer.parseInt(o.getOrDefault("--limit", "12800"));
        int repeats = Integer.parseInt(o.getOrDefault("--repeats", "3"));
        int cnnSteps = Integer.parseInt(o.getOrDefault("--cnn-steps", "20"));
        TensorDataset train = FashionMlp.data(o.containsKey("--data") ? Path.of(o.get("--data")) : null, limit)
                .train();
        System.out.printf(Locale.ROOT, "Fashion-MNIST: MLP, one epoch of %d samples (--limit), global batch %d, Adam,"
                + " median of %d; CNN, %d steps (--cnn-steps) of batch %d per worker; reference = single-process"
                + " Fluxion on the same global batches, run alternately%n", train.size(), BATCH, repeats, cnnSteps,
                BATCH);

        List<Measured> all = new ArrayList<>();
        for (String config : o.getOrDefault("--configs", "local[1],local[2],standalone").split(",")) {
            switch (config) {
                case "local[1]" -> all.addAll(onMaster(config, 1, train, repeats, cnnSteps));
                case "local[2]" -> all.addAll(onMaster(config, 2, train, repeats, cnnSteps));
                case "standalone" -> all.addAll(standalone(o.get("--master"), train, repeats, cnnSteps));
                default -> throw new IllegalArgumentException("--configs: unknown '" + config + "' (local[1],"
                        + " local[2], standalone)");
            }
        }
        report(all);
    }

    /** Both workloads on {@code master} (spark://...), or on a 2-worker cluster started here when it is null. */
    private static List<Measured> standalone(String master, TensorDataset train, int repeats, int cnnSteps)
            throws IOException {
        if (master != null) {
            if (!master.startsWith("spark://")) {
                throw new IllegalArgumentException("--master: a standalone master spark://HOST:PORT with 2 workers,"
                        + " got '" + master + "' (local masters are in --configs)");
            }
            return onMaster(master, 2, train, repeats, cnnSteps);
        }
        long t = System.nanoTime();
        try (StandaloneCluster cluster = StandaloneCluster.start(2, "1g")) {
            System.out.printf(Locale.ROOT, "standalone cluster: master and 2 workers (1 core, 1 GiB each) at %s,"
                    + " started in %.1f s%n", cluster.masterUrl(), (System.nanoTime() - t) / 1e9);
            return onMaster(cluster.masterUrl(), 2, train, repeats, cnnSteps);
        }
    }

    /** The MLP and the CNN on a fresh session of {@code master} with {@code workers} replicas. */
    private static List<Measured> onMaster(String master, int workers, TensorDataset train, int repeats,
                                           int cnnSteps) {
        SparkSession session = FluxionSpark.session(master, "fluxion bench spark", "1g");
        try {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            awaitExecutors(spark, master.startsWith("local") ? 0 : workers);
            SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(1e-3);
            int mlpFloats = (int) Models.parameterCount(FashionMlp.mlp(0)) + 2;
            int cnnFloats = (int) Models.parameterCount(FashionMlp.cnn(0)) + 2;
            Measured mlp = run("mlp", master, spark, () -> FashionMlp.mlp(0), adam, train, workers, BATCH, 20,
                    repeats, mlpFloats);
            TensorDataset cnnData = train.slice(0, Math.min(train.size(), BATCH * workers * cnnSteps));
            Measured cnn = run("cnn", master, spark, () -> FashionMlp.cnn(0), adam, cnnData, workers,
                    BATCH * workers, 3, 1, cnnFloats);
            return List.of(mlp, cnn);
        } finally {
            session.stop();
        }
    }

    /**
     * {@code repeats} epochs of {@code model} on {@code data} with global batch {@code global}, each after one
     * epoch of the single-process reference on the same global batches, after {@code warmSteps} steps of each.
     */
    private static Measured run(String name, String master, JavaSparkContext spark,
                                SerializableSupplier<Sequential> model,
                                SerializableSupplier<GradientTransformation> adam, TensorDataset data, int workers,
                                int global, int warmSteps, int repeats, int floats) {
        double[] reference = new double[repeats];
        double[] epoch = new double[repeats];
        List<SparkTrainer.Result<Sequential>> results = new ArrayList<>();
        StepTimes steps = new StepTimes();
        // not timed: warms the JIT of this JVM and, on a cluster, of the executors (fresh JVMs for each session)
        TensorDataset warm = data.slice(0, Math.min(data.size(), global * warmSteps));
        ReferenceRun.train(model.get(), adam.get(), Losses::crossEntropy, warm, workers, global, 1, 0, true);
        new SparkTrainer<>(model, adam, Losses::crossEntropy).globalBatch(global).fit(spark, warm, workers);
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            ReferenceRun.train(model.get(), adam.get(), Losses::crossEntropy, data, workers, global, 1, 0, true);
            reference[r] = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            results.add(new SparkTrainer<>(model, adam, Losses::crossEntropy).globalBatch(global).listeners(steps)
                    .fit(spark, data, workers));
            epoch[r] = (System.nanoTime() - t) / 1e9;
        }
        double alone = workers > 1 ? AllReduceProbe.measure(spark, workers, floats, 30).medianSeconds() : 0;
        List<WorkerResult> ws = results.stream().flatMap(x -> x.workers().stream()).toList();
        int stepCount = (int) ws.getFirst().steps();
        // loop time not spent in compute or all-reduce, per step (the first step's tracing counts as compute)
        double other = median(ws, w -> (w.loopNanos() - w.computeNanos() - w.allReduceNanos()) / 1e9 / w.steps());
        double compute = steps.median(true);
        double allReduce = steps.median(false);
        double setup = median(ws, w -> w.setupNanos() / 1e9);
        double launch = median(epoch) - median(ws, w -> (w.setupNanos() + w.loopNanos()) / 1e9);
        return new Measured(name, master, workers, stepCount, median(epoch), median(reference),
                compute + allReduce + other, compute, allReduce, alone, other,
                median(ws, w -> (double) w.bytesSent() / w.steps()), setup, launch);
    }

    /** Per-step compute and all-reduce times of every worker, from the progress reports, the first step left out. */
    private static final class StepTimes implements TrainingListener {
        private final List<double[]> steps = new ArrayList<>();

        @Override
        public synchronized void onStep(int rank, long step, int epoch, double loss, double correct, int examples,
                                        long computeNanos, long allReduceNanos, long bytesSent) {
            if (step > 0) {
                steps.add(new double[] {computeNanos / 1e9, allReduceNanos / 1e9});
            }
        }

        synchronized double median(boolean compute) {
            return SparkBench.median(steps.stream().mapToDouble(s -> compute ? s[0] : s[1]).toArray());
        }
    }

    /** Waits until {@code executors} executors have registered (a barrier stage needs all its slots at once). */
    private static void awaitExecutors(JavaSparkContext spark, int executors) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // the driver is listed among the executors
        while (spark.sc().statusTracker().getExecutorInfos().length < executors + 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fluxion bench spark: " + executors + " executors did not register"
                        + " within two minutes");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("fluxion bench spark: interrupted", e);
            }
        }
    }

    private static void report(List<Measured> all) {
        System.out.println();
        System.out.println("per step, ms: step = compute + all-reduce (alone + waiting for the other worker) + other;"
                + " overhead = (all-reduce + other) / step; per epoch, s: setup (replica, rendezvous, ring) and launch"
                + " (job, tasks, shards, results)");
        System.out.printf(Locale.ROOT, "%-26s %5s %8s %8s %8s %8s %8s %8s %7s %10s %8s %6s %6s%n", "config", "steps",
                "epoch s", "step", "compute", "reduce", "alone", "waiting", "other", "bytes/step", "overhead",
                "setup", "launch");
        for (Measured m : all) {
            System.out.printf(Locale.ROOT, "%-26s %5d %8.3f %8.2f %8.2f %8.2f %8.2f %8.2f %7.3f %10.0f %7.1f%% %6.2f"
                    + " %6.2f%n", m.config(), m.steps(), m.epochSeconds(), m.stepSeconds() * 1e3,
                    m.computeSeconds() * 1e3, m.allReduceSeconds() * 1e3, m.allReduceAloneSeconds() * 1e3,
                    m.waitSeconds() * 1e3, m.otherSeconds() * 1e3, m.bytesPerStep(), 100 * m.overheadShare(),
                    m.setupSeconds(), m.launchSeconds());
        }
        System.out.println();
        for (Measured m : all) {
            System.out.printf(Locale.ROOT, "BENCH name=spark config=%s fluxion=%.3fs reference=%.3fs speedup=%.2f"
                    + " efficiency=%.2f overhead=%.1f%%%n", m.config(), m.epochSeconds(), m.referenceSeconds(),
                    m.speedup(), m.speedup() / m.workers(), 100 * m.overheadShare());
        }
        for (Measured m : all) {
            if (m.model().equals("cnn") && m.workers() > 1) {
                System.out.printf(Locale.ROOT, "CNN at batch %d per worker on %s: all-reduce + coordination %.1f%% of"
                        + " a step: %s the %.0f%% target%n", BATCH, m.config(), 100 * m.overheadShare(),
                        m.overheadShare() < CNN_OVERHEAD_TARGET ? "within" : "ABOVE", 100 * CNN_OVERHEAD_TARGET);
            }
        }
    }

    private static double median(List<WorkerResult> workers, ToDoubleFunction<WorkerResult> f) {
        return median(workers.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

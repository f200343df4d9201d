package org.fluxion.spark.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fluxion.data.TrainTest;
import org.fluxion.models.Models;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.Transformations;
import org.fluxion.spark.ConsoleProgress;
import org.fluxion.spark.FluxionSpark;
import org.fluxion.spark.ReferenceRun;
import org.fluxion.spark.SerializableSupplier;
import org.fluxion.spark.SparkTrainer;
import org.fluxion.spark.TrainJob;
import org.fluxion.spark.TrainingListener;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.SafeTensors;

/**
 * The checks of {@code scripts/cluster-test.sh}: trains the Fashion-MNIST MLP on a Spark master, then checks its
 * test accuracy, its bit-for-bit equality with one process summing the workers' gradients in the ring's grouping
 * ({@code --reference}, {@link ReferenceRun#sharded}), its closeness to plain single-process training on the same
 * global batches ({@code --plain-tolerance T}, {@link ReferenceRun#train}), or bit-for-bit equality with a saved
 * earlier run ({@code --compare}); {@code --kill-at STEP} kills worker 1's
 * executor JVM when it reports that step, to show that the retried stage resumes from the last checkpoint.
 * Prints {@code CHECK name=... ok|FAILED} lines; exit code 1 when a check fails.
 *
 * <pre>
 * java @jvm-options.txt -cp ... org.fluxion.spark.tools.ClusterCheck --master spark://127.0.0.1:7077 --workers 2
 *     [--data DIR] [--limit N] [--epochs 1] [--batch 64] [--lr 1e-3] [--checkpoints DIR] [--checkpoint-every 100]
 *     [--kill-at STEP] [--save FILE] [--compare FILE] [--reference] [--plain-tolerance T]
 *     [--min-accuracy 0.8]
 * </pre>
 */
public final class ClusterCheck {
    private ClusterCheck() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = options(args);
        String master = require(o, "--master");
        int workers = Integer.parseInt(o.getOrDefault("--workers", "2"));
        int limit = Integer.parseInt(o.getOrDefault("--limit", "0"));
        int epochs = Integer.parseInt(o.getOrDefault("--epochs", "1"));
        int batch = Integer.parseInt(o.getOrDefault("--batch", "64"));
        double lr = Double.parseDouble(o.getOrDefault("--lr", "1e-3"));
        long seed = Long.parseLong(o.getOrDefault("--seed", "0"));
        long killAt = Long.parseLong(o.getOrDefault("--kill-at", "-1"));
        TrainTest data = FashionMlp.data(o.containsKey("--data") ? Path.of(o.get("--data")) : null, limit);
        SerializableSupplier<Sequential> model = () -> FashionMlp.mlp(seed);
        SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(lr);

        AtomicLong victim = new AtomicLong(-1);
        AtomicBoolean killed = new AtomicBoolean();
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onWorkerStart(int rank, int attempt, long pid, String host, long fromStep, long totalSteps) {
                if (rank == 1 && attempt == 0) {
                    victim.set(pid);
                }
            }

            @Override
            public void onStep(int rank, long step, int epoch, double loss, double correct, int examples,
                               long computeNanos, long allReduceNanos, long bytesSent) {
                long pid = victim.get();
                if (rank == 1 && step == killAt && pid > 0 && pid != ProcessHandle.current().pid()
                        && killed.compareAndSet(false, true)) {
                    System.out.println("killing worker 1's executor (pid " + pid + ") after step " + step);
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        };
        SparkTrainer<Sequential> trainer = new SparkTrainer<>(model, adam, Losses::crossEntropy).globalBatch(batch)
                .epochs(epochs).seed(seed).validation(data.test()).listeners(killer, new ConsoleProgress(System.out, 5));
        if (o.containsKey("--checkpoints")) {
            trainer.checkpoints(Path.of(o.get("--checkpoints")), Integer.parseInt(o.getOrDefault("--checkpoint-every",
                    "100")));
        }
        SparkSession session = FluxionSpark.session(master, "fluxion cluster check", o.getOrDefault("--executor-memory",
                "1g"));
        long start = System.nanoTime();
        SparkTrainer.Result<Sequential> r;
        try {
            r = trainer.fit(JavaSparkContext.fromSparkContext(session.sparkContext()), data.train(), workers);
        } finally {
            session.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = r.history().last("val_accuracy").orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "trained in %.1f s, %d stage attempt(s); test accuracy %.4f; all-reduce %.2f ms"
                + " and %.0f bytes per step and worker (%.1f%% of the step)%n", seconds, r.attempts(), accuracy,
                r.allReduceSecondsPerStep() * 1e3, r.bytesPerStep(), 100 * r.allReduceFraction());
        boolean ok = true;
        if (o.containsKey("--min-accuracy")) {
            ok &= check("accuracy", accuracy >= Double.parseDouble(o.get("--min-accuracy")),
                    String.format(Locale.ROOT, "%.4f, at least %s", accuracy, o.get("--min-accuracy")));
        }
        if (killAt >= 0) {
            ok &= check("executor-killed", killed.get() && r.attempts() > 1, "killed " + killed.get() + ", "
                    + r.attempts() + " stage attempts, resumed from step " + r.workers().getFirst().resumedFrom());
        }
        if (o.containsKey("--reference")) {
            Sequential sharded = ReferenceRun.sharded(model.get(), adam.get(), Losses::crossEntropy, data.train(),
                    workers, batch, epochs, seed, true, TrainJob.AllReduceKind.RING);
            double diff = maxDifference(sharded, r.model());
            ok &= check("equals-sharded-reference", diff == 0, "largest parameter difference " + diff
                    + " from one process summing the workers' gradients in the ring's grouping");
        }
        if (o.containsKey("--plain-tolerance")) {
            double tolerance = Double.parseDouble(o.get("--plain-tolerance"));
            Sequential single = ReferenceRun.train(model.get(), adam.get(), Losses::crossEntropy, data.train(),
                    workers, batch, epochs, seed, true);
            double diff = maxDifference(single, r.model());
            ok &= check("close-to-single-process", diff <= tolerance, String.format(Locale.ROOT,
                    "largest parameter difference %.3g from plain training with the global batch (float32"
                    + " summation order), at most %s", diff, o.get("--plain-tolerance")));
        }
        if (o.containsKey("--save")) {
            SafeTensors.write(Path.of(o.get("--save")), Models.stateDict(r.model()), Map.of());
        }
        if (o.containsKey("--compare")) {
            Map<String, Tensor> saved = SafeTensors.read(Path.of(o.get("--compare"))).tensors();
            double diff = maxDifference(Models.loadStateDict(model.get(), saved), r.model());
            ok &= check("equals-uninterrupted-run", diff == 0, "largest parameter difference " + diff
                    + " from " + o.get("--compare"));
        }
        System.exit(ok ? 0 : 1);
    }

    private static double maxDifference(Sequential a, Sequential b) {
        List<Tensor> x = Models.parameters(a);
        List<Tensor> y = Models.parameters(b);
        double max = 0;
        for (int i = 0; i < x.size(); i++) {
            max = Math.max(max, x.get(i).sub(y.get(i)).abs().max().item());
        }
        return max;
    }

    private static boolean check(String name, boolean passed, String detail) {
        System.out.println("CHECK name=" + name + " " + (passed ? "ok" : "FAILED") + " (" + detail + ")");
        return passed;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            boolean flag = i + 1 == args.length || args[i + 1].startsWith("--");
            o.put(args[i], flag ? "true" : args[++i]);
        }
        return o;
    }

    private static String require(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }
}

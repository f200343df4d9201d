package org.fluxion.spark.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fluxion.data.TensorDataset;
import org.fluxion.data.TrainTest;
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

/**
 * {@code ./fluxion bench spark}: the time of an epoch of the Fashion-MNIST MLP (global batch 64, Adam) on Spark
 * with {@code local[1]}, {@code local[2]} and, given {@code --master spark://...}, a standalone cluster, against
 * single-process Fluxion on the same global batches (the reference side), alternating, median of the repeats;
 * the scaling efficiency (speedup / workers); the all-reduce alone ({@link AllReduceProbe}) for the MLP and the
 * CNN, time and bytes per step; and the CNN at batch 64 per worker, whose all-reduce plus coordination should stay
 * under 20% of a step.
 *
 * <pre>
 * ./fluxion bench spark [--limit 12800] [--repeats 3] [--master spark://127.0.0.1:7077] [--data DIR]
 * </pre>
 */
public final class SparkBench {
    private static final int BATCH = 64;

    private SparkBench() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        int limit = Integer.parseInt(o.getOrDefault("--limit", "12800"));
        int repeats = Integer.parseInt(o.getOrDefault("--repeats", "3"));
        String cluster = o.get("--master");
        TrainTest data = FashionMlp.data(o.containsKey("--data") ? Path.of(o.get("--data")) : null, limit);
        TensorDataset train = data.train();
        System.out.printf(Locale.ROOT, "Fashion-MNIST MLP, %d training samples (--limit), global batch %d, Adam;"
                + " %d alternating repeats, median; reference = single-process Fluxion on the same global batches%n",
                train.size(), BATCH, repeats);

        List<String> masters = new ArrayList<>(List.of("local[1]", "local[2]"));
        if (cluster != null) {
            masters.add(cluster);
        }
        Map<String, double[]> times = new LinkedHashMap<>();
        double[] single = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            ReferenceRun.train(FashionMlp.mlp(0), Transformations.adam(1e-3), Losses::crossEntropy, train, 2, BATCH, 1,
                    0, true);
            single[r] = (System.nanoTime() - t) / 1e9;
            for (String master : masters) {
                times.computeIfAbsent(master, m -> new double[repeats])[r] = sparkEpoch(master, train);
            }
        }
        double reference = median(single);
        for (Map.Entry<String, double[]> e : times.entrySet()) {
            int workers = e.getKey().equals("local[1]") ? 1 : 2;
            double fluxion = median(e.getValue());
            System.out.printf(Locale.ROOT, "BENCH name=spark config=mlp-b%d-%s-k%d fluxion=%.3fs reference=%.3fs"
                    + " speedup=%.2f efficiency=%.2f%n", BATCH, e.getKey().startsWith("spark://") ? "standalone"
                    : e.getKey(), workers, fluxion, reference, reference / fluxion, reference / fluxion / workers);
        }

        SparkSession session = FluxionSpark.session("local[2]", "fluxion bench spark", null);
        try {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            int mlpFloats = (int) Models.parameterCount(FashionMlp.mlp(0)) + 2;
            int cnnFloats = (int) Models.parameterCount(FashionMlp.cnn(0)) + 2;
            for (int floats : new int[] {mlpFloats, cnnFloats}) {
                AllReduceProbe.Result p = AllReduceProbe.measure(spark, 2, floats, 30);
                System.out.printf(Locale.ROOT, "all-reduce of %d floats over 2 workers (local[2]): %.3f ms, %.0f bytes"
                        + " sent per worker (%.2f x the gradient's bytes)%n", floats, p.medianSeconds() * 1e3,
                        p.bytesPerSum(), p.bytesPerSum() / (floats * 4.0));
            }
            // the CNN at batch 64 per worker: the share of a step spent in the all-reduce and waiting for the other
            TensorDataset cnnData = train.slice(0, Math.min(train.size(), 128 * 40));
            SerializableSupplier<Sequential> cnn = () -> FashionMlp.cnn(0);
            SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(1e-3);
            SparkTrainer.Result<Sequential> r = new SparkTrainer<>(cnn, adam, Losses::crossEntropy).globalBatch(128)
                    .fit(spark, cnnData, 2);
            double probe = AllReduceProbe.measure(spark, 2, cnnFloats, 30).medianSeconds();
            double step = r.workers().stream().mapToDouble(w -> (w.computeNanos() + w.allReduceNanos()) / 1e9
                    / w.steps()).average().orElse(0);
            System.out.printf(Locale.ROOT, "CNN, batch 64 per worker, 2 workers (local[2]): step %.1f ms; all-reduce"
                    + " alone %.2f ms (%.1f%% of the step); all-reduce with waiting for the other worker %.1f%% of the"
                    + " step (target: under 20%%)%n", step * 1e3, probe * 1e3, 100 * probe / step,
                    100 * r.allReduceFraction());
        } finally {
            session.stop();
        }
    }

    /** Seconds of one epoch of {@code train} on {@code master} (the session's start excluded). */
    private static double sparkEpoch(String master, TensorDataset train) {
        SparkSession session = FluxionSpark.session(master, "fluxion bench spark", "1g");
        try {
            int workers = master.equals("local[1]") ? 1 : 2;
            SerializableSupplier<Sequential> mlp = () -> FashionMlp.mlp(0);
            SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(1e-3);
            long t = System.nanoTime();
            new SparkTrainer<>(mlp, adam, Losses::crossEntropy).globalBatch(BATCH)
                    .fit(JavaSparkContext.fromSparkContext(session.sparkContext()), train, workers);
            return (System.nanoTime() - t) / 1e9;
        } finally {
            session.stop();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

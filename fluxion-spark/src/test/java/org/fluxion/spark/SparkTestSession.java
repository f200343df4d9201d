package org.fluxion.spark;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fluxion.data.Synthetic;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Activation;
import org.fluxion.models.Linear;
import org.fluxion.models.Sequential;

/** The embedded Spark of the tests (two task slots, as {@code --cluster local[2]}) and their small problem. */
final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    /** The session, started once per test JVM. */
    static synchronized SparkSession session() {
        if (session == null) {
            session = FluxionSpark.session("local[2]", "fluxion-spark-tests", null);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }

    static JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session().sparkContext());
    }

    /** 8 features, 3 classes: 256 samples. */
    static TensorDataset blobs() {
        return Synthetic.blobs(256, 3, 8, 1.5, 11);
    }

    /** 8-16-3 with ReLU, drawn from seed 7. */
    static Sequential mlp() {
        SplittableRandom rng = new SplittableRandom(7);
        return new Sequential(Linear.create(8, 16, rng), Activation.RELU, Linear.create(16, 3, rng));
    }
}

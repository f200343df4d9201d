package org.fluxion.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Sessions for Fluxion's jobs: embedded ({@code local[K]}, nothing to install) or on a standalone cluster
 * ({@code spark://HOST:7077}) without {@code spark-submit}. The driver JVM must run with the options of
 * {@code fluxion-spark/jvm-options.txt} ({@code java @jvm-options.txt ...}: Spark reflects into
 * {@code java.base}); Spark adds the same options to the executors it starts.
 */
public final class FluxionSpark {
    private FluxionSpark() {
    }

    /**
     * A session on {@code master} named {@code appName}: Spark's web UI off, the driver on 127.0.0.1 for
     * {@code local} masters. On a cluster master the executors get this JVM's class path (the jars are at the
     * same paths on a one-machine cluster; on a real cluster ship them with {@code spark.jars} instead) and
     * {@code executorMemory} ({@code 1g}: leave null for Spark's default).
     */
    public static SparkSession session(String master, String appName, String executorMemory) {
        SparkSession.Builder b = SparkSession.builder().master(master).appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                // barrier stages are retried as a whole; four attempts before the job fails
                .config("spark.stage.maxConsecutiveAttempts", "4")
                .config("spark.sql.shuffle.partitions", "4");
        if (master.startsWith("local") || master.contains("://127.0.0.1:") || master.contains("://localhost:")) {
            // a one-machine run stays on the loopback interface
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!master.startsWith("local")) {
            b.config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .config("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector"
                            + " --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC");
            if (executorMemory != null) {
                b.config("spark.executor.memory", executorMemory);
            }
        }
        return b.getOrCreate();
    }
}

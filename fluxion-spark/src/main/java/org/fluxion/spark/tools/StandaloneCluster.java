package org.fluxion.spark.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 for the length of a benchmark, as {@code scripts/cluster-test.sh}
 * starts one: a {@code Master} and {@code K} {@code Worker} JVMs, children of this one, each with its own heap
 * limit, on ephemeral ports, from this JVM's class path (no Spark installation, no download). The workers start
 * their executors from {@code $SPARK_HOME/jars}, here a link to the directory of Spark's jars. {@link #close}
 * (also run by a shutdown hook, on Ctrl-C) stops the workers, whose own shutdown hooks stop their executors,
 * then the master, and deletes the working directory; only a {@code kill -9} of this JVM leaves them running.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start(2, "1g")) {
 *     SparkSession session = FluxionSpark.session(cluster.masterUrl(), "bench", "1g");
 * }
 * }</pre>
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("spark://127\\.0\\.0\\.1:[0-9]+");
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stop, "fluxion-standalone-cluster-stop");
    private String masterUrl;

    private StandaloneCluster(Path work) {
        this.work = work;
    }

    /**
     * Starts a master and {@code workers} workers of one core and {@code workerMemory} for executors each (a
     * Spark size, {@code 1g}), and returns once every worker has registered with the master.
     */
    static StandaloneCluster start(int workers, String workerMemory) throws IOException {
        StandaloneCluster c = new StandaloneCluster(Files.createTempDirectory("fluxion-standalone-"));
        Runtime.getRuntime().addShutdownHook(c.hook);
        try {
            Path sparkHome = Files.createDirectory(c.work.resolve("spark-home"));
            Files.createSymbolicLink(sparkHome.resolve("jars"), sparkJars());
            Path masterLog = c.work.resolve("master.log");
            c.daemon(masterLog, sparkHome, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", "0");
            c.masterUrl = c.await(masterLog, "Starting Spark master at ", 1);
            for (int w = 1; w <= workers; w++) {
                c.daemon(c.work.resolve("worker-" + w + ".log"), sparkHome, "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory",
                        workerMemory, "--work-dir", c.work.resolve("worker-" + w).toString(), c.masterUrl);
            }
            c.await(masterLog, "Registering worker", workers);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:PORT}. */
    String masterUrl() {
        return masterUrl;
    }

    /** Stops every process of the cluster and deletes its directory (logs included). */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook's own shutdown: nothing to remove
        }
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("fluxion bench: could not delete " + work + ": " + e.getMessage());
        }
    }

    /** Workers first (in reverse order of start), each with what it started, then the master. */
    private synchronized void stop() {
        for (Process p : processes.reversed()) {
            List<ProcessHandle> executors = p.descendants().toList();
            p.destroy();
            waitFor(p.toHandle());
            for (ProcessHandle e : executors) {
                e.destroy();
                waitFor(e);
            }
        }
        processes.clear();
    }

    private static void waitFor(ProcessHandle p) {
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    /** A Spark daemon JVM of 256 MB heap writing to {@code log}. */
    private void daemon(Path log, Path sparkHome, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("SPARK_HOME", sparkHome.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.13");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        synchronized (this) {
            processes.add(b.start());
        }
    }

    /**
     * Waits until {@code log} has {@code count} lines containing {@code text}, and returns the master URL found on
     * such a line (or null); fails with the log's end when a process has died or after two minutes.
     */
    private String await(Path log, String text, int count) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(text)).toList();
            if (lines.size() >= count) {
                Matcher m = MASTER_URL.matcher(lines.getFirst());
                return m.find() ? m.group() : null;
            }
            boolean dead = processes.stream().anyMatch(p -> !p.isAlive());
            if (dead || System.nanoTime() > deadline) {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                throw new IllegalStateException("standalone cluster: " + (dead ? "a daemon JVM exited" : "timed out")
                        + " waiting for " + count + " x '" + text + "' in " + log.getFileName() + "; its end:\n"
                        + String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size())));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("standalone cluster: interrupted while starting", e);
            }
        }
    }

    /** The directory of Spark's jars on this JVM's class path. */
    private static Path sparkJars() {
        try {
            return Path.of(SparkContext.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (java.net.URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot locate Spark's jars", e));
        }
    }
}

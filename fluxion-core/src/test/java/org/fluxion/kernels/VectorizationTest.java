package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: Fluxion runs without {@code --add-modules jdk.incubator.vector}, on plain-Java kernels, and says once
 * how to get the vector ones. Surefire runs this class twice, with the module (the default execution) and without
 * (the scalar-kernels execution), each telling the test which mode it expects.
 */
class VectorizationTest {
    private static final int N = 1003;

    /** The kernels in use are the Vector API's exactly when this JVM was started with the module. */
    @Test
    void modeMatchesHowTheJvmWasStarted() {
        assertEquals(expectedMode(), Vectorization.ENABLED,
                "Vectorization.ENABLED in a JVM started with " + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /**
     * A child JVM without the module computes what this one computes: every elementwise result bit for bit, eager
     * and jitted, forward and backward (a vector lane and the scalar formula are the same operations); reductions
     * and matrix products are summed in another order, so those lines are left out. Its standard error holds one warning naming the
     * flag, and nothing else from Fluxion.
     */
    @Test
    void withoutTheModuleElementwiseResultsAreTheSameBits() throws Exception {
        Child c = child();
        List<String> here = DeterminismProbe.create().run(N).stream().filter(VectorizationTest::elementwise)
                .map(l -> N + " " + l).toList();
        List<String> there = c.out().stream().filter(VectorizationTest::elementwise).toList();
        assertEquals(here, there, "this JVM (vector kernels: " + Vectorization.ENABLED + ") vs a child JVM without "
                + Vectorization.MODULE + "; its stderr:\n" + c.err());
        List<String> mentions = c.err().lines().filter(l -> l.contains(Vectorization.FLAG)).toList();
        assertEquals(1, mentions.size(), "lines naming " + Vectorization.FLAG + " in the child's stderr:\n" + c.err());
        assertTrue(mentions.get(0).startsWith("WARNING: "), mentions.get(0));
        assertTrue(!c.err().contains("Exception") && !c.err().contains("Error"), c.err());
    }

    /** A probe line of an elementwise result, not a sum's or a product's. */
    private static boolean elementwise(String line) {
        return !line.contains("sum") && !line.contains("matmul");
    }

    /** The expected mode: what surefire says, else whether the module was added on this JVM's command line. */
    static boolean expectedMode() {
        String said = System.getProperty("fluxion.test.vector");
        if (said != null) {
            return Boolean.parseBoolean(said);
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains(Vectorization.MODULE));
    }

    private record Child(List<String> out, String err) {
    }

    /** {@link DeterminismProbe} on N elements, one thread, in a child JVM of the same java and class path, no flags. */
    private static Child child() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process proc = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DeterminismProbe.class.getName(), "threads=1", Integer.toString(N)).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(proc.getErrorStream()));
        String out = read(proc.getInputStream());
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("child JVM without " + Vectorization.MODULE + " did not finish");
        }
        assertEquals(0, proc.exitValue(), "child JVM exit status; stderr:\n" + err.join());
        return new Child(out.lines().toList(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

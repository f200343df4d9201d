package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 8: the same computation gives the same bits whatever the JVM has compiled and whatever the
 * thread count. Before the fix, eager float32 exp/tanh/sigmoid and jitted chains changed their last bits once
 * C2 had compiled the Vector API's lanewise EXP/TANH/SIN (an intrinsic that differs from its Java fallback).
 */
class DeterminismTest {
    private static final int N = 1003;

    /** The probe in this JVM after thousands of calls (C2 has compiled the kernels) versus a child JVM under -Xint. */
    @Test
    void warmedUpResultsEqualInterpretedOnes() throws Exception {
        DeterminismProbe p = DeterminismProbe.create();
        List<String> first = prefixed(p.run(N));
        // About a thousand calls on this size: before the fix the jitted float64 chain had changed by then.
        for (int k = 0; k < 1100; k++) {
            p.run(N);
        }
        List<String> warm = prefixed(p.run(N));
        assertEquals(first, warm, "first call vs after warm-up, in this JVM");
        assertEquals(child("-Xint"), warm, "a child JVM under -Xint vs this JVM after warm-up");
    }

    /** Elementwise kernels, a fused jitted chain, a reduction and a backward pass split over 1 and 2 threads. */
    @Test
    void oneAndTwoThreadsAgree() {
        int before = Parallel.threads();
        try {
            DeterminismProbe p = DeterminismProbe.create();
            Parallel.setThreads(1);
            List<String> one = p.run(100_003);
            Parallel.setThreads(2);
            List<String> two = p.run(100_003);
            assertEquals(one, two);
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static List<String> prefixed(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(N + " " + l);
        }
        return out;
    }

    /** The probe's output in a child JVM of the same java binary and class path, with the given option. */
    private static List<String> child(String option) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", option,
                "-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName(), "threads=1",
                Integer.toString(N));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("child JVM " + option + " did not finish");
        }
        assertEquals(0, proc.exitValue(), "child JVM " + option + " exit status; output:\n" + out);
        return out.lines().toList();
    }
}

package org.fluxion.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * Runs this module's tests (CPU and GPU) without Maven, for the device machine, which has a Java runtime
 * but no build tools: one line per test to the file named by the first argument, then the summary; exits
 * 1 when a test failed. Run it with {@code -Dfluxion.gpu.required=true} so that a GPU test fails rather
 * than skips when no device can be opened.
 */
public final class RunGpuTests {
    private RunGpuTests() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "junit.txt");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true)) {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectPackage("org.fluxion.gpu")).build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            TestExecutionListener lines = new TestExecutionListener() {
                @Override
                public void executionSkipped(TestIdentifier test, String reason) {
                    print(out, "SKIPPED " + test.getDisplayName() + ": " + reason);
                }

                @Override
                public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                    if (!test.isTest()) {
                        return;
                    }
                    String name = test.getUniqueId().replaceAll(".*\\[class:([^\\]]*)\\].*\\[method:([^\\]]*)\\].*", "$1#$2");
                    print(out, result.getStatus() + " " + name
                            + result.getThrowable().map(t -> "\n    " + t).orElse(""));
                }
            };
            launcher.execute(request, summary, lines);
            var s = summary.getSummary();
            print(out, "tests found " + s.getTestsFoundCount() + ", succeeded " + s.getTestsSucceededCount() + ", failed "
                    + s.getTestsFailedCount() + ", skipped " + s.getTestsSkippedCount() + ", aborted " + s.getTestsAbortedCount());
            s.getFailures().forEach(f -> f.getException().printStackTrace(out));
            // Aborted (skipped by an assumption) is not failed: GPU tests fail outright under fluxion.gpu.required.
            if (s.getTotalFailureCount() > 0) {
                System.exit(1);
            }
        }
    }

    private static void print(PrintStream out, String line) {
        out.println(line);
        System.out.println(line);
    }
}

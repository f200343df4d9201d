package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fluxion.data.Npy;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a PyTorch snippet on tensors from Java, for tests that compare a layer with PyTorch's on the same
 * weights. The snippet sees a dict {@code I} of input tensors (float64 numpy arrays turned into torch tensors)
 * and fills a dict {@code O} of results; they travel as {@code .npy} files. Tests call {@link #assume()} first,
 * so they are skipped, with the reason, where {@code /usr/bin/python3} has no torch.
 */
final class TorchReference {
    private static final String PYTHON = "/usr/bin/python3";
    private static Boolean available;

    private TorchReference() {
    }

    /** Skips the calling test unless python3 imports torch. */
    static void assume() {
        Assumptions.assumeTrue(available(), PYTHON + " with torch is not available: the comparison with PyTorch is "
                + "skipped (apt-get install python3-torch to run it)");
    }

    private static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    /** Runs {@code snippet} with {@code I = inputs}; returns {@code O}. */
    static Map<String, Tensor> run(String snippet, Map<String, Tensor> inputs) throws Exception {
        Path dir = Files.createTempDirectory("torch-reference");
        try {
            Files.createDirectories(dir.resolve("in"));
            Files.createDirectories(dir.resolve("out"));
            for (var e : inputs.entrySet()) {
                Npy.write(dir.resolve("in").resolve(e.getKey() + ".npy"), e.getValue());
            }
            String script = """
                    import sys, os, glob
                    import numpy as np
                    import torch
                    torch.set_default_dtype(torch.float64)
                    d = sys.argv[1]
                    I = {os.path.basename(f)[:-4]: torch.from_numpy(np.load(f)) for f in glob.glob(d + '/in/*.npy')}
                    O = {}
                    """ + snippet.stripIndent() + """
                    for k, v in O.items():
                        np.save(d + '/out/' + k + '.npy', v.detach().numpy())
                    """;
            Process p = new ProcessBuilder(PYTHON, "-c", script, dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
            assertEquals(0, p.exitValue(), "the PyTorch snippet failed:\n" + out);
            Map<String, Tensor> results = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(dir.resolve("out"))) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    results.put(name.substring(0, name.length() - 4), Npy.read(f));
                }
            }
            return results;
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Asserts {@code actual} equals PyTorch's {@code expected} within {@code tol}, naming the largest error. */
    static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double err = expected.to(actual.dtype()).sub(actual).abs().max().item();
        assertTrue(err <= tol * (1 + expected.abs().max().item()),
                what + ": largest difference from PyTorch " + err + " (tolerance " + tol + ")");
    }
}

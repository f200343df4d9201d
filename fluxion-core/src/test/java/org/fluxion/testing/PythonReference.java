package org.fluxion.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script on {@code /usr/bin/python3} (PyTorch and NumPy as the reference): bytes in on standard
 * input, bytes out on standard output. Tests call {@link #hasTorch()} first and skip with its message when
 * the reference is absent.
 */
public final class PythonReference {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static Boolean torch;

    private PythonReference() {
    }

    /** The reason a test skips when {@link #hasTorch()} is false. */
    public static final String NO_TORCH = "/usr/bin/python3 with torch and numpy is not available: the comparison "
            + "with PyTorch's bit patterns is skipped (apt install python3-torch to run it)";

    /** True when {@code /usr/bin/python3} imports torch and numpy (checked once). */
    public static synchronized boolean hasTorch() {
        if (torch == null) {
            try {
                torch = Files.isExecutable(PYTHON) && run("import torch, numpy", new byte[0]) != null;
            } catch (IOException | RuntimeException e) {
                torch = false;
            }
        }
        return torch;
    }

    /**
     * Runs {@code script} with {@code input} on its standard input and returns its standard output.
     *
     * @throws IllegalStateException with the script's standard error when it fails or runs past 5 minutes
     */
    public static byte[] run(String script, byte[] input) throws IOException {
        Path err = Files.createTempFile("python-reference", ".err");
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", script).redirectError(err.toFile()).start();
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(input);
                } catch (IOException ignored) {
                    // the process ended early; its exit status and standard error say why
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("python3 failed: " + Files.readString(err));
            }
            writer.join();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

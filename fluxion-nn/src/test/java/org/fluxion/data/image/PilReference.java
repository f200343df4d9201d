package org.fluxion.data.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a script on /usr/bin/python3 with PIL and NumPy, the reference for image decoding and resizing. */
final class PilReference {
    static final String MISSING = "/usr/bin/python3 with PIL and numpy is not available: the comparison with "
            + "PIL is skipped (apt install python3-pil python3-numpy to run it)";
    private static Boolean available;

    private PilReference() {
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                run("import PIL, numpy", new byte[0]);
                available = true;
            } catch (IOException | IllegalStateException e) {
                available = false;
            }
        }
        return available;
    }

    /** {@code script} with {@code input} on standard input and {@code args}; its standard output. */
    static byte[] run(String script, byte[] input, String... args) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new IllegalStateException("no /usr/bin/python3");
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("pil", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(input);
                } catch (IOException ignored) {
                    // the exit status and standard error say why
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
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

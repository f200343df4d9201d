package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fluxion.kernels.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Helpers shared by the commands: flag checks, output directories, thread settings, result lines. */
final class Cli {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private Cli() {
    }

    /** Fails with a picocli parameter error (exit code 2, usage shown) unless {@code ok}. */
    static void check(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** {@code out}, or {@code runs/<timestamp>[-<name>]} when null, created with its parents. */
    static Path outputDir(Path out, String name) throws IOException {
        Path dir = out != null ? out
                : Path.of("runs", LocalDateTime.now().format(STAMP) + (name == null ? "" : "-" + name));
        Files.createDirectories(dir);
        return dir;
    }

    /** Sets the kernels' worker threads when {@code threads} is given (validated >= 1). */
    static void threads(CommandSpec spec, Integer threads) {
        if (threads != null) {
            check(spec, threads >= 1, "--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
    }

    /** Seconds since {@code startNanos}. */
    static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) * 1e-9;
    }

    /** Formats with the root locale (a dot as decimal separator whatever the user's locale). */
    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

package org.fluxion.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fluxion.kernels.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Helpers shared by the commands: flag checks, output directories, thread settings, result lines,
 * and the exit codes of the {@code fluxion} command.
 */
final class Cli {
    /** Exit code of a run that failed: an unreadable or corrupt file, a write that failed, a bug. */
    static final int EXIT_ERROR = 1;
    /** Exit code of a command line that is wrong: an unknown flag, a value out of range (picocli's). */
    static final int EXIT_USAGE = 2;
    /** Exit code of a training run stopped because its loss became NaN or infinite. */
    static final int EXIT_DIVERGED = 3;

    /**
     * The most kernel threads {@code --threads} accepts: 4 per core, at least 256. More only adds
     * switching and memory (each platform thread reserves a stack), and a huge count ends, after
     * minutes of thread creation, in "unable to create native thread".
     */
    static final int MAX_THREADS = Math.max(256, 4 * Runtime.getRuntime().availableProcessors());

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private Cli() {
    }

    /** Fails with a picocli parameter error (exit code 2, usage shown) unless {@code ok}. */
    static void check(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** Fails with a parameter error naming {@code flag} unless {@code value >= min}. */
    static void atLeast(CommandSpec spec, String flag, long value, long min) {
        check(spec, value >= min, flag + " must be >= " + min + ", got " + value);
    }

    /** Fails with a parameter error naming {@code flag} unless {@code value} is finite and {@code > 0}. */
    static void positive(CommandSpec spec, String flag, double value) {
        check(spec, value > 0 && Double.isFinite(value), flag + " must be a finite number > 0, got " + value);
    }

    /** Fails with a parameter error naming {@code flag} unless {@code value} is finite and {@code >= 0}. */
    static void nonNegative(CommandSpec spec, String flag, double value) {
        check(spec, value >= 0 && Double.isFinite(value), flag + " must be a finite number >= 0, got " + value);
    }

    /** {@code out}, or {@code runs/<timestamp>[-<name>]} when null; not created. */
    static Path outputPath(Path out, String name) {
        return out != null ? out
                : Path.of("runs", LocalDateTime.now().format(STAMP) + (name == null ? "" : "-" + name));
    }

    /** {@link #outputPath} created with its parents and checked writable (see {@link #createOutputDir}). */
    static Path outputDir(CommandSpec spec, Path out, String name) {
        return createOutputDir(spec, outputPath(out, name));
    }

    /**
     * Creates {@code dir} with its parents and writes and deletes a probe file in it, so that a run
     * learns that its output cannot be written before it spends minutes loading data and training.
     * Fails with a parameter error naming {@code --out} and the reason.
     */
    static Path createOutputDir(CommandSpec spec, Path dir) {
        check(spec, !Files.exists(dir) || Files.isDirectory(dir), "--out " + dir + ": is a file, not a directory");
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".fluxion-", ".probe"));
            return dir;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new ParameterException(spec.commandLine(), "--out " + dir + ": cannot write there: " + describe(e));
        }
    }

    /** Deletes {@code dir} if it is an empty directory; a run that failed leaves no empty output behind. */
    static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Not empty (the user's files, or partial results worth keeping) or not ours to delete: keep it.
        }
    }

    /** Sets the kernels' worker threads when {@code threads} is given (validated in 1..{@link #MAX_THREADS}). */
    static void threads(CommandSpec spec, Integer threads) {
        if (threads != null) {
            check(spec, threads >= 1 && threads <= MAX_THREADS, "--threads must be between 1 and " + MAX_THREADS
                    + " (4 per core, at least 256), got " + threads);
            Parallel.setThreads(threads);
        }
    }

    /**
     * A one-line description of a failure for the user: the message, with the file and the reason for
     * file-system errors (whose message is often the bare path), and the exception's type where the
     * message alone would not say what went wrong (a {@code NullPointerException}...).
     */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason() : switch (f) {
                case NoSuchFileException x -> "no such file or directory";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a directory";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
            return (f.getFile() != null ? f.getFile() : "") + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "")
                    + ": " + reason;
        }
        String message = e.getMessage();
        boolean selfExplaining = e instanceof IOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof UnsupportedOperationException;
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return selfExplaining ? message : e.getClass().getSimpleName() + ": " + message;
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

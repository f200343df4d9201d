package org.fluxion.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A text progress bar with rate, elapsed time, ETA and a running loss, for epochs and other long work:
 *
 * <pre>epoch 1/5 [=========>          ]  45% 270/600  loss 0.4321  84.1 it/s  3.2s &lt; 3.9s</pre>
 *
 * <p>On a terminal the line is redrawn in place (at most every 100 ms). When the output is not a
 * terminal (CI logs, files, pipes) a carriage return would pile hundreds of states into one log
 * line, so a full line is printed each time another {@code lineEveryPercent} of the work is done
 * instead. The ETA is {@code elapsed * (total - done) / done}; the loss shown is the mean of the
 * reported losses weighted by steps ({@link RunningMean}).
 *
 * <p>Written here rather than taken from a library: the well-known Java one (me.tongfei:progressbar)
 * pulls in JLine and a refresh thread, and in non-terminal output it still prints on a timer rather
 * than every N percent; this class is small and has neither.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String task;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final int lineEveryPercent;
    private final LongSupplier clock;
    private final long start;
    private final RunningMean loss = new RunningMean();

    private long done;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private int nextPercent;
    private boolean closed;

    /**
     * @param task label at the start of the line, e.g. "epoch 1/5"
     * @param total units of work (batches, examples), {@code >= 0}
     * @param out where to print, usually {@code System.err} so stdout stays for results
     * @param interactive redraw in place (a terminal) or print a line every {@code lineEveryPercent}
     * @param clock nanosecond clock, {@code System::nanoTime} outside tests
     */
    public ProgressBar(String task, long total, PrintStream out, boolean interactive, int lineEveryPercent,
            LongSupplier clock) {
        if (total < 0 || lineEveryPercent < 1 || lineEveryPercent > 100) {
            throw new IllegalArgumentException("ProgressBar: total must be >= 0 and lineEveryPercent in 1..100, got "
                    + total + " and " + lineEveryPercent);
        }
        this.task = task;
        this.total = total;
        this.out = out;
        this.interactive = interactive;
        this.lineEveryPercent = lineEveryPercent;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.nextPercent = lineEveryPercent;
    }

    /** A bar on {@code System.err}, redrawn in place on a terminal, a line every 10% otherwise. */
    public static ProgressBar create(String task, long total) {
        return new ProgressBar(task, total, System.err, isTerminal(), 10, System::nanoTime);
    }

    /** True when the console is an interactive terminal that understands carriage returns. */
    public static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
    }

    /** Records {@code n} more units of work done. */
    public void step(long n) {
        advance(n);
        show(false);
    }

    /** Records {@code n} more units done whose mean loss was {@code batchLoss}. */
    public void step(long n, double batchLoss) {
        loss.add(batchLoss, n);
        step(n);
    }

    /** The mean loss reported so far (NaN if none). */
    public double runningLoss() {
        return loss.mean();
    }

    /** Finishes the line: draws the final state (if not drawn yet) and ends it with a newline. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (interactive) {
            draw(render(clock.getAsLong()));
            out.println();
        } else if (done < total || total == 0) {
            // The 100% line was already printed when the work completed.
            out.println(render(clock.getAsLong()));
        }
        out.flush();
    }

    private void advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("ProgressBar.step: n must be >= 0, got " + n);
        }
        done = Math.min(total, done + n);
    }

    private void show(boolean force) {
        long now = clock.getAsLong();
        if (interactive) {
            if (force || done == total || lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
                draw(render(now));
                lastDraw = now;
            }
            return;
        }
        int percent = percent();
        if (percent >= nextPercent) {
            out.println(render(now));
            out.flush();
            // Skip thresholds already passed so one big step prints one line, not several.
            nextPercent = (percent / lineEveryPercent + 1) * lineEveryPercent;
        }
    }

    private void draw(String line) {
        // Spaces erase the tail of a longer previous line; no ANSI codes, so any terminal works.
        int pad = Math.max(0, lastLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        lastLength = line.length();
    }

    private int percent() {
        return total == 0 ? 100 : (int) (100 * done / total);
    }

    /** The status line at time {@code now} (nanoseconds on this bar's clock). */
    String render(long now) {
        double elapsed = (now - start) / 1e9;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        StringBuilder sb = new StringBuilder(task).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        sb.append(String.format(Locale.ROOT, "] %3d%% %d/%d", percent(), done, total));
        if (!Double.isNaN(loss.mean())) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", loss.mean()));
        }
        if (elapsed > 0 && done > 0) {
            sb.append(String.format(Locale.ROOT, "  %.1f it/s", done / elapsed));
        }
        sb.append("  ").append(duration(elapsed));
        if (done > 0 && done < total) {
            sb.append(" < ").append(duration(elapsed * (total - done) / done));
        }
        return sb.toString();
    }

    /** 3.2s, 4:05, 1:02:03. */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}

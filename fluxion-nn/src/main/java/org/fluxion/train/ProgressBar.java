package org.fluxion.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A text progress bar with rate, elapsed time, ETA and a running loss, for epochs and other long work,
 * fitted to the terminal's width:
 *
 * <pre>epoch 1/5 [=========&gt;          ]  45% 270/600  loss 0.4321  84.1 it/s  3.2s &lt; 3.9s</pre>
 *
 * <p>On a terminal the line is redrawn in place (at most every 100 ms). When the output is not a
 * terminal (CI logs, files, pipes) a carriage return would pile hundreds of states into one log
 * line, so a full line is printed each time another {@code lineEveryPercent} of the work is done
 * instead. A line never reaches the last column (a terminal wraps there, and each redraw would leave a
 * stale line behind): the bar narrows, then the rate and the bar are left out, then the line is cut.
 *
 * <p>The rate and ETA come from an exponential moving average of the seconds per unit, updated after the
 * first step and then over windows of at least 200 ms: {@code s = (1 - a) s + a dt/n} with
 * {@code a = 0.3} ({@code n} units done in {@code dt} seconds), divided by {@code 1 - (1 - a)^k} after
 * {@code k} updates so that the first estimate is not biased towards 0. The first steps of a run are
 * slow (class loading, JIT compilation); a plain {@code elapsed / done} keeps them in the estimate for
 * the whole run, the average forgets them within ten windows. Windows rather than single steps, because
 * steps that wait on each other (a prefetching loader, other work on the machine) come in bursts. The loss shown is the mean of the
 * reported losses weighted by steps ({@link RunningMean}).
 *
 * <p>After the work, {@link #startValidation} and {@link #validationStep} show a second phase on the
 * same line ({@code val 3/10}), as {@link Trainer#fit} does while it evaluates the validation set.
 *
 * <p>Written here rather than taken from a library: the well-known Java one (me.tongfei:progressbar)
 * pulls in JLine and a refresh thread, and in non-terminal output it still prints on a timer rather
 * than every N percent; this class is small and has neither.
 */
public final class ProgressBar implements AutoCloseable {
    /** Columns assumed when the environment does not say ({@code COLUMNS} unset). */
    public static final int DEFAULT_COLUMNS = 80;
    private static final int MAX_BAR = 30;
    private static final int MIN_BAR = 6;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final double SMOOTHING = 0.3;
    private static final long RATE_WINDOW_NANOS = 200_000_000L;

    private final String task;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final int lineEveryPercent;
    private final int columns;
    private final LongSupplier clock;
    private final long start;
    private final RunningMean loss = new RunningMean();

    private long done;
    private long lastDraw = Long.MIN_VALUE;
    private int lastLength;
    private int nextPercent;
    private boolean closed;

    private long windowStart;
    private long windowUnits;
    private double secondsPerUnitRaw;
    private double decay = 1; // (1 - SMOOTHING)^k after k steps, for the bias correction

    private int barWidth = MAX_BAR; // only narrows: a bar that grows and shrinks with its text jitters
    private long validationTotal = -1;
    private long validationDone;

    /**
     * @param task label at the start of the line, e.g. "epoch 1/5"
     * @param total units of work (batches, examples), {@code >= 0}
     * @param out where to print, usually {@code System.err} so stdout stays for results
     * @param interactive redraw in place (a terminal) or print a line every {@code lineEveryPercent}
     * @param lineEveryPercent in 1..100
     * @param columns the terminal's width; lines are at most {@code columns - 1} characters, {@code >= 20}
     * @param clock nanosecond clock, {@code System::nanoTime} outside tests
     */
    public ProgressBar(String task, long total, PrintStream out, boolean interactive, int lineEveryPercent,
            int columns, LongSupplier clock) {
        if (total < 0 || lineEveryPercent < 1 || lineEveryPercent > 100 || columns < 20) {
            throw new IllegalArgumentException("ProgressBar: total must be >= 0, lineEveryPercent in 1..100 and"
                    + " columns >= 20, got " + total + ", " + lineEveryPercent + " and " + columns);
        }
        this.task = task;
        this.total = total;
        this.out = out;
        this.interactive = interactive;
        this.lineEveryPercent = lineEveryPercent;
        this.columns = columns;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.windowStart = start;
        this.nextPercent = lineEveryPercent;
    }

    /**
     * A bar on {@code System.err}, redrawn in place on a terminal, a line every 10% otherwise, as wide as
     * {@link #terminalColumns} says.
     */
    public static ProgressBar create(String task, long total) {
        return new ProgressBar(task, total, System.err, isTerminal(), 10, terminalColumns(System.getenv()),
                System::nanoTime);
    }

    /** True when the console is an interactive terminal that understands carriage returns. */
    public static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
    }

    /**
     * The terminal's width from the environment: {@code COLUMNS} when it is a number of at least 20 (shells
     * set it, and export it when asked), else {@value #DEFAULT_COLUMNS}. The JDK has no portable way to ask
     * the terminal itself.
     */
    public static int terminalColumns(Map<String, String> environment) {
        String value = environment.get("COLUMNS");
        if (value != null) {
            try {
                int columns = Integer.parseInt(value.strip());
                if (columns >= 20) {
                    return columns;
                }
            } catch (NumberFormatException ignored) {
                // not a number: the default below
            }
        }
        return DEFAULT_COLUMNS;
    }

    /** Records {@code n} more units of work done. */
    public void step(long n) {
        advance(n);
        show();
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

    /**
     * Seconds per unit of work, smoothed (see the class comment); NaN before the first step.
     */
    public double secondsPerUnit() {
        return decay == 1 ? Double.NaN : secondsPerUnitRaw / (1 - decay);
    }

    /** Starts a validation phase of {@code units} units, shown on the same line as {@code val 0/units}. */
    public void startValidation(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("ProgressBar.startValidation: units must be >= 0, got " + units);
        }
        validationTotal = units;
        validationDone = 0;
        show();
    }

    /** Records one more unit of the validation phase. */
    public void validationStep() {
        if (validationTotal < 0) {
            throw new IllegalStateException("ProgressBar.validationStep: call startValidation first");
        }
        validationDone = Math.min(validationTotal, validationDone + 1);
        show();
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
            // The 100% line was already printed when the work completed; validation is not logged line by
            // line (the epoch's summary has its results).
            out.println(render(clock.getAsLong()));
        }
        out.flush();
    }

    private void advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("ProgressBar.step: n must be >= 0, got " + n);
        }
        long now = clock.getAsLong();
        windowUnits += n;
        if (windowUnits > 0 && (decay == 1 || now - windowStart >= RATE_WINDOW_NANOS)) {
            double unitSeconds = (now - windowStart) / 1e9 / windowUnits;
            secondsPerUnitRaw = (1 - SMOOTHING) * secondsPerUnitRaw + SMOOTHING * unitSeconds;
            decay *= 1 - SMOOTHING;
            windowStart = now;
            windowUnits = 0;
        }
        done = Math.min(total, done + n);
    }

    private void show() {
        long now = clock.getAsLong();
        if (interactive) {
            boolean finished = done == total && validationTotal < 0 || validationDone == validationTotal;
            if (finished || lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
                draw(render(now));
                lastDraw = now;
            }
            return;
        }
        int percent = percent();
        if (validationTotal < 0 && percent >= nextPercent) {
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

    /**
     * The status line at time {@code now} (nanoseconds on this bar's clock), at most {@code columns - 1}
     * characters; the bar is never wider than in the previous line.
     */
    String render(long now) {
        double elapsed = (now - start) / 1e9;
        int digits = Long.toString(total).length();
        String counts = String.format(Locale.ROOT, " %3d%% %" + digits + "d/%d", percent(), done, total);
        String lossText = Double.isNaN(loss.mean()) ? "" : "  loss " + metric(loss.mean());
        String rate = rateText();
        StringBuilder time = new StringBuilder("  ").append(duration(elapsed));
        if (validationTotal >= 0) {
            time.append(String.format(Locale.ROOT, "  val %d/%d", validationDone, validationTotal));
        } else if (done > 0 && done < total) {
            time.append(" < ").append(duration(secondsPerUnit() * (total - done)));
        }
        int room = columns - 1;
        // Narrow the bar first; then give up the rate, then the bar; cut what still does not fit.
        for (String r : new String[] {rate, ""}) {
            String suffix = counts + lossText + r + time;
            int width = Math.min(barWidth, room - task.length() - 3 - suffix.length());
            if (width >= MIN_BAR) {
                barWidth = width;
                return task + " [" + bar(width) + "]" + suffix;
            }
        }
        String line = task + counts + lossText + time;
        return line.length() <= room ? line : line.substring(0, room);
    }

    private String bar(int width) {
        int filled = total == 0 ? width : (int) (width * done / total);
        StringBuilder sb = new StringBuilder(width);
        for (int i = 0; i < width; i++) {
            sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return sb.toString();
    }

    /** {@code 84.1 it/s}, or {@code 2.3 s/it} below one unit per second; empty before the first step. */
    private String rateText() {
        double s = secondsPerUnit();
        if (Double.isNaN(s) || s <= 0) {
            return "";
        }
        // Padded to a fixed width: a rate going from 99.0 to 101.4 would otherwise resize the bar.
        return s <= 1 ? String.format(Locale.ROOT, "  %6.1f it/s", 1 / s) : String.format(Locale.ROOT, "  %6.1f s/it", s);
    }

    /** A metric's value: 4 decimals, or 4 significant digits in scientific notation when that would show 0. */
    static String metric(double value) {
        double a = Math.abs(value);
        return a != 0 && a < 1e-3 || a >= 1e6 ? String.format(Locale.ROOT, "%.3e", value)
                : String.format(Locale.ROOT, "%.4f", value);
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

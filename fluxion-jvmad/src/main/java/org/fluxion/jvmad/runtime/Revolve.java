package org.fluxion.jvmad.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Binomial checkpointing (Griewank and Walther's revolve) of one loop in reverse mode. The loop's
 * state is a fixed set of arrays, written in place by its steps; generated code registers them
 * ({@link #track}), snapshots them on entry ({@link #saveEntry}) and runs the loop without recording.
 * The adjoint then asks {@link #next} what to do until it returns {@link #DONE}: advance the state
 * some steps without recording, or <em>turn</em> (run the current step recording, then its adjoint
 * at once). Steps are turned exactly once each, last to first; at most {@code snapshots} copies of
 * the state are held besides the entry's, and the state is restored at the end to what the forward
 * left (one more copy).
 *
 * <p>Schedule: to reverse steps {@code [from, to)} with {@code s} free snapshots, let {@code r} be
 * the least repetition number with {@code beta(s, r) = C(s + r, s) >= to - from}; advance
 * {@code m = min(n - 1, beta(s, r - 1))} steps, save, reverse {@code [from + m, to)} with
 * {@code s - 1} snapshots, drop the snapshot, reverse {@code [from, from + m)} with {@code s}. No
 * step is then run more than {@code r + 1} times, the binomial bound.
 *
 * <p>Public because generated code calls it; not an API.
 */
public final class Revolve {
    /** What {@link #next} returns to turn the current step. */
    public static final int TURN = 0;
    /** What {@link #next} returns when every step has been turned. */
    public static final int DONE = -1;

    private static final int REVERSE = 0;
    private static final int COUNTDOWN = 1;
    private static final int SAVE = 2;
    private static final int DROP = 3;
    private static final int TURN_FRAME = 4;

    private final int snapshots;
    private final List<Object> arrays = new ArrayList<>();
    private final ArrayDeque<Object[]> saved = new ArrayDeque<>();
    /** Pending work, top first: {kind, from, to, free snapshots or the next step of a countdown}. */
    private final ArrayDeque<long[]> frames = new ArrayDeque<>();
    private Object[] finalState;
    /** True while the tracked arrays hold the state of the top snapshot. */
    private boolean atTop;
    private long stateValues;
    private long steps;
    private long stepsRun;
    private long peakStored;
    /** Steps already added to the tape's count. */
    private long reported;

    private Revolve(int snapshots) {
        this.snapshots = snapshots;
    }

    /** A schedule holding at most {@code snapshots} copies of the state besides the entry's. */
    public static Revolve begin(int snapshots) {
        if (snapshots < 0) {
            throw new IllegalArgumentException("snapshots must be >= 0, got " + snapshots);
        }
        return new Revolve(snapshots);
    }

    /**
     * Registers an array of the loop's state (a primitive array, written in place by its steps, or an
     * array of such arrays, whose rows are saved and restored with it).
     */
    public static void track(Revolve r, Object array) {
        for (Object a : r.arrays) {
            if (a == array) {
                return;
            }
        }
        r.arrays.add(array);
        r.stateValues += values(array);
    }

    /** Snapshots the state on entry to the loop. */
    public static void saveEntry(Revolve r) {
        r.saved.push(r.copy());
        r.atTop = true;
    }

    /** Starts the reverse sweep of {@code steps} steps (the forward ran them all). */
    public static void plan(Revolve r, int steps) {
        r.steps = steps;
        r.finalState = r.copy();
        r.atTop = false;
        if (steps > 0) {
            r.frames.push(new long[] {REVERSE, 0, steps, r.snapshots});
        }
    }

    /**
     * The next action: {@code k > 0}, advance the state {@code k} steps without recording;
     * {@link #TURN}, record the current step and run its adjoint; {@link #DONE}, finished (the state is
     * back to what the forward left).
     */
    public static int next(Revolve r) {
        int action = r.step();
        if (action > 0) {
            r.stepsRun += action;
        } else if (action == TURN) {
            r.stepsRun++;
        }
        return action;
    }

    /** Called between a turn's recording and its adjoint: the peak of stored values so far (tape + snapshots). */
    public static void recorded(Revolve r, Tape tape) {
        long stored = (long) tape.realTop + tape.intTop + tape.refTop + r.heldValues();
        r.peakStored = Math.max(r.peakStored, stored);
        tape.peakStored = Math.max(tape.peakStored, r.peakStored);
        tape.stepsRun += r.stepsRun - r.reported;
        r.reported = r.stepsRun;
    }

    /** Values held in copies of the state now (snapshots and the final state). */
    long heldValues() {
        return (saved.size() + (finalState == null ? 0 : 1)) * stateValues;
    }

    /** Steps run during the reverse sweep (advances and turns). */
    public long stepsRun() {
        return stepsRun;
    }

    /** The most values stored at once: the tape's entries and the copies of the state. */
    public long peakStored() {
        return peakStored;
    }

    private int step() {
        while (true) {
            long[] f = frames.peek();
            if (f == null) {
                if (finalState != null) {
                    restore(finalState);
                    finalState = null;
                    saved.clear();
                }
                return DONE;
            }
            switch ((int) f[0]) {
                case SAVE -> {
                    frames.pop();
                    saved.push(copy());
                    atTop = true;
                }
                case DROP -> {
                    frames.pop();
                    saved.pop();
                    atTop = false;
                }
                case TURN_FRAME -> {
                    frames.pop();
                    atTop = false;
                    return TURN;
                }
                case COUNTDOWN -> {
                    long from = f[1];
                    long next = f[3];
                    if (next < from) {
                        frames.pop();
                        continue;
                    }
                    f[3] = next - 1;
                    toTop();
                    atTop = false;
                    if (next == from) {
                        return TURN;
                    }
                    frames.push(new long[] {TURN_FRAME, 0, 0, 0});
                    return (int) (next - from);
                }
                default -> {
                    frames.pop();
                    long from = f[1];
                    long to = f[2];
                    int free = (int) f[3];
                    long n = to - from;
                    if (n <= 0) {
                        continue;
                    }
                    if (n == 1) {
                        toTop();
                        atTop = false;
                        return TURN;
                    }
                    if (free == 0) {
                        frames.push(new long[] {COUNTDOWN, from, to, to - 1});
                        continue;
                    }
                    int reps = repetitions(n, free);
                    long m = Math.min(n - 1, beta(free, reps - 1));
                    toTop();
                    atTop = false;
                    frames.push(new long[] {REVERSE, from, from + m, free});
                    frames.push(new long[] {DROP, 0, 0, 0});
                    frames.push(new long[] {REVERSE, from + m, to, free - 1});
                    frames.push(new long[] {SAVE, 0, 0, 0});
                    return (int) m;
                }
            }
        }
    }

    /**
     * The least r with {@code beta(s, r) >= n}; without snapshots ({@code beta(0, r) = 1}) the first
     * of n steps runs n times: r = n - 1.
     */
    static int repetitions(long n, int s) {
        if (s == 0) {
            return (int) Math.max(0, n - 1);
        }
        int r = 0;
        while (beta(s, r) < n) {
            r++;
        }
        return r;
    }

    /** {@code C(s + r, s)}: the most steps reversible with s snapshots and r repetitions (saturating). */
    static long beta(int s, int r) {
        long b = 1;
        for (int i = 1; i <= s; i++) {
            // C(r + i, i) = C(r + i - 1, i - 1) * (r + i) / i, exact at every i
            if (b > Long.MAX_VALUE / (r + i)) {
                return Long.MAX_VALUE;
            }
            b = b * (r + i) / i;
        }
        return b;
    }

    private void toTop() {
        if (!atTop) {
            restore(saved.peek());
            atTop = true;
        }
    }

    private Object[] copy() {
        Object[] c = new Object[arrays.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = deepCopy(arrays.get(i));
        }
        return c;
    }

    private void restore(Object[] state) {
        for (int i = 0; i < state.length; i++) {
            deepRestore(state[i], arrays.get(i));
        }
    }

    /** The copy of an array of arrays: its rows (references) and a copy of each row. */
    private record Rows(Object[] refs, Object[] copies) {
    }

    private static Object deepCopy(Object a) {
        if (a instanceof Object[] rows) {
            Object[] copies = new Object[rows.length];
            for (int i = 0; i < rows.length; i++) {
                copies[i] = rows[i] == null ? null : deepCopy(rows[i]);
            }
            return new Rows(rows.clone(), copies);
        }
        int n = java.lang.reflect.Array.getLength(a);
        Object b = java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), n);
        System.arraycopy(a, 0, b, 0, n);
        return b;
    }

    /** Puts back the rows the array had and, in place, each row's contents (rows may be shared). */
    private static void deepRestore(Object copy, Object a) {
        if (copy instanceof Rows r) {
            Object[] rows = (Object[]) a;
            System.arraycopy(r.refs(), 0, rows, 0, rows.length);
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] != null) {
                    deepRestore(r.copies()[i], rows[i]);
                }
            }
            return;
        }
        System.arraycopy(copy, 0, a, 0, java.lang.reflect.Array.getLength(copy));
    }

    /** The numbers an array holds, through its rows. */
    private static long values(Object a) {
        if (a instanceof Object[] rows) {
            long n = rows.length;
            for (Object row : rows) {
                n += row == null ? 0 : values(row);
            }
            return n;
        }
        return java.lang.reflect.Array.getLength(a);
    }
}

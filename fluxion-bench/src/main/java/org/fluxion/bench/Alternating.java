package org.fluxion.bench;

import java.util.Arrays;

/**
 * Times two workloads A and B alternately (A B A B ...) after warm-up and reports the median of each,
 * so that drift in the machine's speed affects both sides alike.
 */
public final class Alternating {
    /** Medians in seconds per call of the two sides. */
    public record Result(double fluxionSeconds, double referenceSeconds) {
    }

    private Alternating() {
    }

    /**
     * Runs each side {@code warmup} times, then {@code repeats} alternating timed rounds; in each round
     * a side is called {@code callsPerRound} times and timed as a whole.
     */
    public static Result run(Runnable fluxion, Runnable reference, int warmup, int repeats, int callsPerRound) {
        return run(fluxion, reference, warmup, repeats, callsPerRound, 0);
    }

    /**
     * As {@link #run(Runnable, Runnable, int, int, int)}, but sleeps {@code settleMillis} before each
     * timed round so that the other side's worker threads, which may spin for a while after a call
     * (OpenBLAS's pthreads spin ~0.1 s by default), are idle again and do not steal the cores.
     */
    public static Result run(Runnable fluxion, Runnable reference, int warmup, int repeats, int callsPerRound,
                             long settleMillis) {
        for (int i = 0; i < warmup; i++) {
            fluxion.run();
            reference.run();
        }
        double[] f = new double[repeats];
        double[] r = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            settle(settleMillis);
            f[i] = time(fluxion, callsPerRound);
            settle(settleMillis);
            r[i] = time(reference, callsPerRound);
        }
        return new Result(median(f), median(r));
    }

    private static void settle(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Calls {@code step} until the JVM has compiled what it runs: at least {@code minCalls} calls and
     * {@code seconds} seconds (the steady state the protocol times). Returns the number of calls made.
     */
    public static int warmUp(Runnable step, int minCalls, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (calls < minCalls || System.nanoTime() < end) {
            step.run();
            calls++;
        }
        return calls;
    }

    /** Seconds per call of {@code body}, averaged over {@code calls} calls. */
    public static double time(Runnable body, int calls) {
        long t0 = System.nanoTime();
        for (int c = 0; c < calls; c++) {
            body.run();
        }
        return (System.nanoTime() - t0) * 1e-9 / calls;
    }

    /** Median of the values (the mean of the middle two for an even count). */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    /** A side that measures itself: runs {@code calls} calls and returns the seconds they took. */
    @FunctionalInterface
    public interface Timed {
        double seconds(int calls);
    }

    /**
     * As {@link #run(Runnable, Runnable, int, int, int)} for a reference that times itself, such as a
     * {@link PythonReference} (whose own clock leaves out the pipe round trip).
     */
    public static Result runTimed(Runnable fluxion, Timed reference, int warmup, int repeats, int callsPerRound) {
        for (int i = 0; i < warmup; i++) {
            fluxion.run();
        }
        reference.seconds(warmup);
        double[] f = new double[repeats];
        double[] r = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            f[i] = time(fluxion, callsPerRound);
            r[i] = reference.seconds(callsPerRound) / callsPerRound;
        }
        return new Result(median(f), median(r));
    }

    /**
     * As {@link #runTimed(Runnable, Timed, int, int, int)} with a number of calls per round for each side, for
     * workloads whose sides differ by orders of magnitude (a Java loop against a Python one).
     */
    public static Result runTimed(Runnable fluxion, Timed reference, int warmup, int repeats, int fluxionCalls,
                                  int referenceCalls) {
        return runTimed(fluxion, reference, warmup, repeats, fluxionCalls, referenceCalls, 0);
    }

    /**
     * As {@link #runTimed(Runnable, Timed, int, int, int, int)}, but sleeps {@code settleMillis} before each
     * timed round, as {@link #run(Runnable, Runnable, int, int, int, long)} does. Rounds of a few milliseconds
     * need it: torch's idle OpenMP worker spins for up to ~10 ms after a call (measured here from its thread's
     * CPU time), and a round that starts then shares its two cores with it.
     */
    public static Result runTimed(Runnable fluxion, Timed reference, int warmup, int repeats, int fluxionCalls,
                                  int referenceCalls, long settleMillis) {
        for (int i = 0; i < warmup; i++) {
            fluxion.run();
        }
        reference.seconds(Math.min(warmup, referenceCalls));
        double[] f = new double[repeats];
        double[] r = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            settle(settleMillis);
            f[i] = time(fluxion, fluxionCalls);
            settle(settleMillis);
            r[i] = reference.seconds(referenceCalls) / referenceCalls;
        }
        return new Result(median(f), median(r));
    }
}

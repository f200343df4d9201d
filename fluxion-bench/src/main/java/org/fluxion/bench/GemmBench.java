package org.fluxion.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.fluxion.kernels.Gemm;
import org.fluxion.kernels.Parallel;

/**
 * {@code ./fluxion bench gemm}: float32 {@code C = A·B} for square n = 256, 512, 1024 on 1 and 2
 * threads, Fluxion's {@link Gemm#sgemm} against OpenBLAS {@code cblas_sgemm} called in-process (the
 * {@code org.bytedeco:openblas} artifact) with its thread count set to match. Both sides multiply the
 * same data; OpenBLAS reads it from native memory so no JNI array copies are timed. Steady state only:
 * every configuration warms both sides up before the alternating timed rounds.
 */
public final class GemmBench implements Benchmark {
    private static final int[] SIZES = {256, 512, 1024};
    private static final int[] THREADS = {1, 2};
    private static final int REPEATS = 7;
    /** Each timed round runs a side for about this long, so timer and scheduling noise averages out. */
    private static final double ROUND_SECONDS = 0.1;
    /**
     * Pause before each timed round: OpenBLAS's idle pthreads keep spinning (sched_yield) for about
     * 2^28 cycles after a call, which on 2 cores would slow whichever side runs next.
     */
    private static final long SETTLE_MILLIS = 200;

    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public String description() {
        return "float32 C = A·B, n = 256/512/1024, 1 and 2 threads, vs OpenBLAS sgemm (org.bytedeco:openblas)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        OpenBlas ref = OpenBlas.load();
        int savedThreads = Parallel.threads();
        out.printf(Locale.ROOT, "gemm: Fluxion Vector API, %d-bit vectors; reference: %s%n",
                FloatVector.SPECIES_PREFERRED.vectorBitSize(), ref == null ? "unavailable" : ref.describe());
        out.println("gemm: GFLOP/s = 2 n^3 / median seconds per call over " + REPEATS
                + " alternating rounds, after warm-up");
        java.util.List<String> lines = new java.util.ArrayList<>();
        try {
            for (int n : SIZES) {
                for (int t : THREADS) {
                    if (BenchLine.selected("n" + n + "-t" + t)) {
                        lines.add(runConfig(out, ref, n, t));
                    }
                }
            }
        } finally {
            Parallel.setThreads(savedThreads);
            if (ref != null) {
                ref.close();
            }
        }
        for (String line : lines) {
            out.println(line);
        }
    }

    private static String runConfig(PrintStream out, OpenBlas ref, int n, int threads) {
        String config = "n" + n + "-t" + threads;
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = random(rnd, n * n);
        float[] b = random(rnd, n * n);
        float[] c = new float[n * n];
        double flop = 2.0 * n * n * n;
        Parallel.setThreads(threads);
        Runnable fluxion = () -> Gemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        warmUp(fluxion, 1.0);
        int calls = callsPerRound(fluxion);
        if (ref == null) {
            double[] f = new double[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                f[i] = Alternating.time(fluxion, calls);
            }
            String gf = String.format(Locale.ROOT, "%.2fGFLOP/s", flop / Alternating.median(f) * 1e-9);
            return BenchLine.unavailable("gemm", config, gf, OpenBlas.HOW_TO_INSTALL);
        }
        ref.setThreads(threads);
        OpenBlas.Problem p = ref.problem(a, b, n);
        Runnable reference = p::multiply;
        warmUp(reference, 0.3);
        Alternating.run(fluxion, reference, 0, 1, 1, SETTLE_MILLIS);  // settle before the checks below
        out.printf(Locale.ROOT, "gemm %s: max |fluxion - openblas| / max |C| = %.2e, %d calls per round%n",
                config, relativeDifference(c, p.result()), calls);
        Alternating.Result r = Alternating.run(fluxion, reference, 1, REPEATS, calls, SETTLE_MILLIS);
        p.close();
        return BenchLine.throughput("gemm", config, flop / r.fluxionSeconds() * 1e-9,
                flop / r.referenceSeconds() * 1e-9, "GFLOP/s");
    }

    /** Runs {@code body} for at least {@code seconds} so that the JIT has compiled the hot paths. */
    private static void warmUp(Runnable body, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            body.run();
        } while (System.nanoTime() < end);
    }

    private static int callsPerRound(Runnable body) {
        double once = Alternating.time(body, 3);
        return (int) Math.max(1, Math.round(ROUND_SECONDS / once));
    }

    private static double relativeDifference(float[] x, float[] y) {
        double diff = 0;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            diff = Math.max(diff, Math.abs(x[i] - y[i]));
            max = Math.max(max, Math.abs(y[i]));
        }
        return diff / Math.max(max, Double.MIN_VALUE);
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}

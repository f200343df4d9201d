package org.fluxion.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.fluxion.jvmad.Gradient;
import org.fluxion.jvmad.JvmAd;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench java-ad}: the gradient of the extended Rosenbrock function
 * {@code f(x) = sum_{i < n/2} 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2} written as a plain Java loop
 * over {@code double[]}, differentiated by bytecode transformation ({@code fluxion-jvmad}, reverse mode),
 * against:
 * <ul>
 *   <li>{@code vs-handwritten-n100}, {@code -n10000}: the analytic gradient written by hand in Java,
 *       the physical limit (speedup = hand-written time / AD time; the cheap-gradient principle says a
 *       reverse sweep costs a small constant times the function);</li>
 *   <li>{@code vs-pytorch-n100}: PyTorch eager running the same loop over 0-d float64 tensors
 *       ({@code python/java_ad.py}, 1 thread);</li>
 *   <li>{@code vs-scalar-ad-n100}: Fluxion's own tape running the loop over 1-element tensors
 *       ({@link ScalarAdBench}).</li>
 * </ul>
 * Steady state after warm-up, time per gradient. The one-time cost of building the derivative
 * (reading the bytecode, transforming, defining the hidden class) is printed separately.
 */
public final class JavaAdBench implements Benchmark {
    private static volatile double sink;

    @Override
    public String name() {
        return "java-ad";
    }

    @Override
    public String description() {
        return "gradient of Rosenbrock as a plain Java method (bytecode AD) vs hand-written, PyTorch, the tape";
    }

    /** The function, as a user writes it. */
    public static double rosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i < x.length / 2; i++) {
            double a = x[2 * i];
            double b = x[2 * i + 1];
            double t1 = b - a * a;
            double t2 = 1 - a;
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** The analytic gradient, by hand: {@code df/da = -400 a t1 - 2 t2, df/db = 200 t1}. */
    static double rosenbrockGradient(double[] x, double[] g) {
        double f = 0;
        for (int i = 0; i < x.length / 2; i++) {
            double a = x[2 * i];
            double b = x[2 * i + 1];
            double t1 = b - a * a;
            double t2 = 1 - a;
            f += 100 * t1 * t1 + t2 * t2;
            g[2 * i] = -400 * a * t1 - 2 * t2;
            g[2 * i + 1] = 200 * t1;
        }
        return f;
    }

    static double[] start(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1.0;
        }
        return x;
    }

    /** Medians of the thread CPU seconds per call of two sides timed alternately: {@code {a, b}}. */
    private static double[] cpuRatio(Runnable a, Runnable b, int repeats, int calls) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] ta = new double[repeats];
        double[] tb = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int c = 0; c < calls; c++) {
                a.run();
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int c = 0; c < calls; c++) {
                b.run();
            }
            long t2 = mx.getCurrentThreadCpuTime();
            ta[i] = (t1 - t0) * 1e-9 / calls;
            tb[i] = (t2 - t1) * 1e-9 / calls;
        }
        return new double[] {Alternating.median(ta), Alternating.median(tb)};
    }

    @Override
    public void run(PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Gradient first = JvmAd.grad(JavaAdBench::rosenbrock);
        double firstBuild = (System.nanoTime() - t0) * 1e-9;
        double[] builds = new double[5];
        for (int i = 0; i < builds.length; i++) {
            long t = System.nanoTime();
            JvmAd.grad(JavaAdBench::rosenbrock);
            builds[i] = (System.nanoTime() - t) * 1e-9;
        }
        double[] x100 = start(100);
        long c0 = System.nanoTime();
        sink = first.apply(x100)[0];
        double firstCall = (System.nanoTime() - c0) * 1e-9;
        out.println(String.format(Locale.ROOT, "Building the gradient (read bytecode, transform, define a hidden class):"
                + " %s in a cold JVM, %s warm (median of %d); first call %s (interpreted)",
                BenchLine.seconds(firstBuild), BenchLine.seconds(Alternating.median(builds)), builds.length,
                BenchLine.seconds(firstCall)));

        // Every side is warmed up for a while before anything is timed: on a loaded machine the JIT's
        // compiler threads lag, and a side timed before its code is optimized looks many times slower.
        int[] sizes = {100, 10_000};
        Runnable[][] sides = new Runnable[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            double[] x = start(sizes[k]);
            double[] g = new double[sizes[k]];
            double[] gh = new double[sizes[k]];
            sides[k] = new Runnable[] {() -> sink = first.valueAndGrad(x, g), () -> sink = rosenbrockGradient(x, gh),
                    () -> sink = rosenbrock(x)};
        }
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (Runnable[] side : sides) {
                for (Runnable r : side) {
                    Alternating.time(r, 200);
                }
            }
        }
        for (int k = 0; k < sizes.length; k++) {
            int n = sizes[k];
            int calls = n == 100 ? 20_000 : 200;
            Alternating.Result r = Alternating.run(sides[k][0], sides[k][1], 20_000_000 / n, 15, calls);
            double function = Alternating.run(sides[k][2], () -> { }, 0, 15, calls).fluxionSeconds();
            out.println(String.format(Locale.ROOT, "Rosenbrock n=%d: AD gradient %s, hand-written %s, the function "
                    + "alone %s (AD gradient / function = %.1f)", n, BenchLine.seconds(r.fluxionSeconds()),
                    BenchLine.seconds(r.referenceSeconds()), BenchLine.seconds(function), r.fluxionSeconds() / function));
            out.println(BenchLine.time(name(), "vs-handwritten-n" + n, r.fluxionSeconds(), r.referenceSeconds()));
            // On a loaded machine a long timed round is preempted more often than a short one, which
            // biases wall-clock ratios against the slower side; the thread's CPU time is not preempted.
            double[] cpu = cpuRatio(sides[k][0], sides[k][1], 15, calls);
            out.println(String.format(Locale.ROOT, "Rosenbrock n=%d in thread CPU time: AD gradient %s, hand-written %s,"
                    + " hand-written / AD = %.2f", n, BenchLine.seconds(cpu[0]), BenchLine.seconds(cpu[1]), cpu[1] / cpu[0]));
        }

        double[] x = start(100);
        double[] g = new double[100];
        Runnable ad = () -> sink = first.valueAndGrad(x, g);
        Tensor[] xs = ScalarAdBench.start(100);
        Alternating.Result tape = Alternating.run(ad, () -> ScalarAdBench.gradientStep(xs), 2000, 7, 200);
        out.println(BenchLine.time(name(), "vs-scalar-ad-n100", tape.fluxionSeconds(), tape.referenceSeconds()));

        if (!PythonReference.available()) {
            double t = Alternating.run(ad, () -> { }, 20_000, 7, 20_000).fluxionSeconds();
            out.println(BenchLine.unavailable(name(), "vs-pytorch-n100", BenchLine.seconds(t), PythonReference.INSTALL_HINT));
            return;
        }
        try (PythonReference torch = PythonReference.start("java_ad", 1, "100")) {
            Alternating.Result r = Alternating.runTimed(ad, torch::run, 20_000, 7, 100);
            out.println("Gradient of Rosenbrock n=100: plain Java + bytecode AD " + BenchLine.seconds(r.fluxionSeconds())
                    + ", PyTorch eager on 0-d tensors " + BenchLine.seconds(r.referenceSeconds()));
            out.println(BenchLine.time(name(), "vs-pytorch-n100", r.fluxionSeconds(), r.referenceSeconds()));
        }
    }
}

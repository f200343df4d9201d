package org.fluxion.bench;

import java.io.PrintStream;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench jit-chain}: a 10-op elementwise chain over 10M float32,
 * {@code y = sigmoid(tanh(x * 1.5 + 0.5) * x - 0.25) * 2 + exp(-(x * x))}, compiled by {@code jit} (one fused
 * kernel: one read of x, one write of y, one output buffer) against the same code run eagerly (ten passes
 * over memory, ten temporaries). Steady state after warm-up; trace and compile time reported apart.
 */
public final class JitChainBench implements Benchmark {
    private static final int N = 10_000_000;

    @Override
    public String name() {
        return "jit-chain";
    }

    @Override
    public String description() {
        return "10-op elementwise chain on 10M float32: jit (fused) vs eager";
    }

    /** The chain: mul, add, tanh, mul, sub, sigmoid, mul, mul, neg, exp, add (the last add joins two chains). */
    static Tensor chain(Tensor x) {
        return x.mul(1.5).add(0.5).tanh().mul(x).sub(0.25).sigmoid().mul(2).add(x.mul(x).neg().exp());
    }

    @Override
    public void run(PrintStream out) {
        Tensor x = Tensor.randn(1, N);
        Function<Tensor, Tensor> eager = JitChainBench::chain;
        Jitted<Tensor, Tensor> jitted = Jit.jit(JitChainBench::chain);
        long t0 = System.nanoTime();
        Tensor first = jitted.apply(x);
        double firstCall = (System.nanoTime() - t0) / 1e9;
        if (!first.allClose(eager.apply(x), 1e-4, 1e-5)) {
            throw new IllegalStateException("jit-chain: the compiled chain differs from eager");
        }
        out.println("Compiled graph: " + jitted.graph(x).equations().size() + " step(s) ("
                + jitted.graph(x).count("fused") + " fused kernel(s)); trace "
                + BenchLine.seconds(jitted.lastTraceNanos() / 1e9) + ", optimize+compile "
                + BenchLine.seconds(jitted.lastCompileNanos() / 1e9) + ", first call " + BenchLine.seconds(firstCall));
        out.println("Allocated per call: jit " + megabytes(() -> jitted.apply(x)) + " MB (the output is "
                + 4L * N / 1_000_000 + " MB), eager " + megabytes(() -> eager.apply(x)) + " MB");
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            Alternating.Result r = Alternating.run(() -> jitted.apply(x), () -> eager.apply(x), 3, 9, 3);
            out.println(BenchLine.time(name(), "n10M-t" + threads, r.fluxionSeconds(), r.referenceSeconds()));
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Megabytes the calling thread allocates while running {@code body} once (HotSpot's per-thread counter). */
    private static long megabytes(Runnable body) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Parallel.setThreads(1); // every allocation on this thread
        long before = threads.getCurrentThreadAllocatedBytes();
        body.run();
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        return Math.round(bytes / 1e6);
    }
}

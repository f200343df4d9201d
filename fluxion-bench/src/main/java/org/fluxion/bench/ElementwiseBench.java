package org.fluxion.bench;

import java.io.PrintStream;
import java.util.function.Supplier;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench elementwise}: eager elementwise ops (a*x+b, exp, log, tanh, sigmoid, add) and reductions
 * (sum, max) on 10M float32, as effective
 * bandwidth (bytes the op must read and write, over its time) against a plain array copy of the same
 * array size ({@code clone()} of a float[10M], split over the same threads), measured alternately.
 */
public final class ElementwiseBench implements Benchmark {
    private static final int N = 10_000_000;
    private static final double BYTES = 4.0 * N;

    @Override
    public String name() {
        return "elementwise";
    }

    @Override
    public String description() {
        return "10M float32: a*x+b, exp, log, tanh, sigmoid, add, sum, max vs a plain array copy (bandwidth)";
    }

    /** One workload: its name, the bytes it moves (in units of one 40 MB array) and the op. */
    private record Case(String name, double arrays, Supplier<Object> op) {
    }

    @Override
    public void run(PrintStream out) {
        Tensor x = Tensor.randn(1, N);
        Tensor y = Tensor.randn(2, N);
        Tensor xp = x.abs().add(1e-3); // log's argument: positive
        float[] src = x.toFloatArray();
        Case[] cases = {
            // a*x + b eagerly is two passes: x -> t (read, write), t -> y (read, write).
            new Case("axpb", 4, () -> x.mul(1.5).add(0.5)),
            new Case("exp", 2, () -> x.exp()),
            new Case("log", 2, () -> xp.log()),
            new Case("tanh", 2, () -> x.tanh()),
            new Case("sigmoid", 2, () -> x.sigmoid()),
            new Case("add", 3, () -> x.add(y)),
            new Case("sum", 1, () -> x.sum()),
            new Case("max", 1, () -> x.max()),
        };
        out.println("Effective bandwidth in GB/s; reference = copying one float[10M] (read + write) at the same thread count.");
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (Case c : cases) {
                Alternating.Result r = Alternating.run(() -> c.op.get(), () -> copy(src), 3, 7, 3);
                double fluxion = c.arrays * BYTES / r.fluxionSeconds() / 1e9;
                double reference = 2 * BYTES / r.referenceSeconds() / 1e9;
                out.println(BenchLine.throughput(name(), c.name + "-t" + threads, fluxion, reference, "GB/s"));
            }
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** The reference: a fresh copy of the array, in as many chunks as there are threads. */
    private static float[] copy(float[] src) {
        float[] dst = new float[src.length];
        Parallel.forRange(src.length, 1 << 16, (s, e) -> System.arraycopy(src, s, dst, s, e - s));
        return dst;
    }
}

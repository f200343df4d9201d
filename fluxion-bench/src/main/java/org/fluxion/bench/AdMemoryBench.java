package org.fluxion.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench ad-memory}: heap held by reverse mode through a 1,000-op elementwise chain on
 * 1M float32 elements (4 MB per tensor), then {@code y.sum().backward()}. The graph should keep only what
 * the VJP rules read: nothing for {@code mul by a constant} and {@code add}, the output for tanh, the
 * input for sin. Two chains:
 * <ul>
 *   <li>{@code affine}: 1,000 x {@code y = y * 0.999 + 0.001} alternating: the rules need no tensor, so the
 *       graph holds ~0 MB however long the chain;</li>
 *   <li>{@code mixed}: blocks of 10 ops {@code mul add mul add tanh mul add sin mul add}: tanh keeps its
 *       output and sin its input, 200 tensors = 800 MB expected.</li>
 * </ul>
 * Method: heap in use after forced full GCs (reachable bytes) before the chain, after the forward pass
 * (what the graph retains) and after backward (what is left: x and its gradient); and the peak of heap
 * in use right after any GC during forward + backward, from GC notifications ({@link HeapProbe}).
 * The process's peak RSS ({@link PeakRss}) is printed too; it includes the heap the JVM grew to, which
 * is sized by the garbage of the chain, not by what the graph keeps. There is no reference run: the line's reference is unavailable and the expected
 * retained size is printed beside it.
 */
public final class AdMemoryBench implements Benchmark {
    static final int SIZE = 1 << 20;
    static final int OPS = 1000;
    private static final double MB = 1e6;

    @Override
    public String name() {
        return "ad-memory";
    }

    @Override
    public String description() {
        return "heap kept by backward through a 1,000-op elementwise chain on 1M float32 (no reference)";
    }

    /** Op {@code i} of the mixed chain: blocks of mul add mul add tanh mul add sin mul add. */
    static Tensor mixedOp(Tensor y, int i) {
        return switch (i % 10) {
            case 4 -> y.tanh();
            case 7 -> y.sin();
            case 0, 2, 5, 8 -> y.mul(0.999);
            default -> y.add(0.001);
        };
    }

    static Tensor affineOp(Tensor y, int i) {
        return i % 2 == 0 ? y.mul(0.999) : y.add(0.001);
    }

    @Override
    public void run(PrintStream out) {
        // Warm-up: class loading, JIT compilation and the GC-notification machinery allocate ~30 MB once
        // (it stays reachable); a first full-length run keeps that out of the numbers.
        PrintStream ignore = new PrintStream(PrintStream.nullOutputStream());
        measure(ignore, "warm-up", AdMemoryBench::affineOp, 0, OPS);
        measure(ignore, "warm-up", AdMemoryBench::mixedOp, 0, 20);
        measure(out, "affine", AdMemoryBench::affineOp, 0, OPS);
        measure(out, "mixed", AdMemoryBench::mixedOp, OPS / 10 * 2, OPS);
        // The whole process, as the OS counts it: includes the heap the JVM grew to absorb the chain's
        // short-lived 4 MB temporaries, not only what is reachable.
        out.printf(Locale.ROOT, "process peak RSS (VmHWM): %.1f MB%n", PeakRss.bytes() / MB);
    }

    interface ChainOp {
        Tensor apply(Tensor y, int i);
    }

    private void measure(PrintStream out, String config, ChainOp op, int expectedTensors, int ops) {
        Tensor x = Tensor.rand(new Random(1), DType.FLOAT32, SIZE).requiresGrad(true);
        long base = HeapProbe.liveBytes();
        long forward;
        long peak;
        try (HeapProbe probe = HeapProbe.start()) {
            Tensor y = x;
            for (int i = 0; i < ops; i++) {
                y = op.apply(y, i);
            }
            Tensor loss = y.sum();
            y = null; // only the graph, reached from loss, keeps tensors now
            forward = probe.sample() - base;
            loss.backward();
            loss = null;
            peak = probe.peakLiveBytes() - base;
        }
        long after = HeapProbe.liveBytes() - base;
        double tensorMb = SIZE * 4 / MB;
        out.printf(Locale.ROOT, "%s chain, %d ops on %d float32 (%.1f MB each): graph after forward %.1f MB "
                        + "(rules need %d tensors = %.1f MB), peak live heap during forward+backward %.1f MB, "
                        + "after backward %.1f MB (x.grad: %.1f MB)%n",
                config, ops, SIZE, tensorMb, forward / MB, expectedTensors, expectedTensors * tensorMb, peak / MB,
                after / MB, tensorMb);
        if (x.grad() == null) {
            throw new IllegalStateException("backward produced no gradient");
        }
        out.println(BenchLine.unavailable(name(), config + "-ops" + ops + "-1M",
                String.format(Locale.ROOT, "%.1fMB", peak / MB),
                String.format(Locale.ROOT, "no reference; the rules need %.1fMB", expectedTensors * tensorMb)));
    }
}

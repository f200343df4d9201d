package org.fluxion.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.Functions;
import org.fluxion.nn.Lstm;
import org.fluxion.nn.Module;
import org.fluxion.nn.RecurrentCell;
import org.fluxion.nn.RecurrentConfig;
import org.fluxion.nn.TransformerConfig;
import org.fluxion.nn.TransformerEncoderLayer;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench lstm} and {@code ./fluxion bench transformer}: one training step (forward, MSE loss
 * against a fixed target, backward, Adam 1e-3), float32, 2 threads, eager on both sides:
 * <ul>
 *   <li>lstm: 2-layer {@code Lstm} 256 -> 256, sequence 64, batch 32, time-major (PyTorch's {@code nn.LSTM});</li>
 *   <li>transformer: one {@code TransformerEncoderLayer} d=256, 4 heads, feed-forward 2048 (PyTorch's default),
 *       dropout 0 (on both sides: no random masks to compare), batch-first, sequence 128, batch 16
 *       (PyTorch's {@code nn.TransformerEncoderLayer}).</li>
 * </ul>
 * The reference is {@code python/lstm.py} or {@code python/transformer.py}. Timed in steady state (a warm-up
 * step each first; the first Fluxion step, class loading and JIT compilation included, is printed apart),
 * then a {@code config=peak-rss} line whose speedup is PyTorch's peak RSS / Fluxion's.
 */
public final class SequenceBench implements Benchmark {
    static final int THREADS = 2;
    static final int STEPS_PER_ROUND = 5;

    private final String name;
    private final String description;
    private final String config;
    private final Supplier<Module> model;
    private final int[] inputDims;

    private SequenceBench(String name, String description, String config, Supplier<Module> model, int... inputDims) {
        this.name = name;
        this.description = description;
        this.config = config;
        this.model = model;
        this.inputDims = inputDims;
    }

    public static SequenceBench lstm() {
        return new SequenceBench("lstm", "2-layer LSTM 256, seq 64, batch 32, one Adam training step: vs PyTorch nn.LSTM",
                "h256-l2-t64-b32-t" + THREADS,
                () -> new Lstm(RecurrentConfig.of(RecurrentCell.LSTM, 256, 256).withLayers(2), DType.FLOAT32,
                        new SplittableRandom(0)), 64, 32, 256);
    }

    public static SequenceBench transformer() {
        return new SequenceBench("transformer", "encoder layer d=256, 4 heads, seq 128, batch 16, one Adam training "
                + "step: vs PyTorch nn.TransformerEncoderLayer", "d256-h4-ff2048-t128-b16-t" + THREADS,
                () -> new TransformerEncoderLayer(TransformerConfig.of(256, 4).withDropout(0).withBatchFirst(true),
                        DType.FLOAT32, new SplittableRandom(0)), 16, 128, 256);
    }

    /** A fresh model of this benchmark (seeded: the same weights each call). */
    Module model() {
        return model.get();
    }

    /** The input (and target) shape. */
    int[] inputDims() {
        return inputDims.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void run(PrintStream out) throws Exception {
        Parallel.setThreads(THREADS);
        try {
            Module net = model.get();
            Adam adam = new Adam(1e-3);
            Tensor x = Tensor.randn(new SplittableRandom(1), DType.FLOAT32, inputDims);
            Tensor target = Tensor.randn(new SplittableRandom(2), DType.FLOAT32, inputDims);
            Runnable step = () -> {
                net.zeroGrad();
                Functions.mse(net.apply(x), target).backward();
                adam.step(net.parameters());
            };
            long t0 = System.nanoTime();
            step.run();
            out.println("first Fluxion step (class loading and JIT warm-up included): "
                    + BenchLine.seconds((System.nanoTime() - t0) / 1e9));
            Runnable rounds = () -> {
                for (int i = 0; i < STEPS_PER_ROUND; i++) {
                    step.run();
                }
            };
            if (!PythonReference.available()) {
                double s = Alternating.time(rounds, 3) / STEPS_PER_ROUND;
                out.println(BenchLine.unavailable(name, config, BenchLine.seconds(s), PythonReference.INSTALL_HINT));
                return;
            }
            try (PythonReference torch = PythonReference.start(name, THREADS)) {
                Alternating.Result r = Alternating.runTimed(rounds, calls -> torch.run(calls * STEPS_PER_ROUND),
                        2, 5, 1);
                out.println(BenchLine.time(name, config, r.fluxionSeconds() / STEPS_PER_ROUND,
                        r.referenceSeconds() / STEPS_PER_ROUND));
                long fluxionRss = PeakRss.bytes();
                long torchRss = torch.peakRss();
                out.println(String.format(Locale.ROOT,
                        "BENCH name=%s config=peak-rss fluxion=%.0fMB reference=%.0fMB speedup=%.2f",
                        name, fluxionRss / 1e6, torchRss / 1e6, (double) torchRss / fluxionRss));
            }
        } finally {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }
}

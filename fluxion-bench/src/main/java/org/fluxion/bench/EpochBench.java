package org.fluxion.bench;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.fluxion.data.DataLoader;
import org.fluxion.data.FashionMnist;
import org.fluxion.data.ByteImageDataset;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.Flatten;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.MaxPool2d;
import org.fluxion.nn.Module;
import org.fluxion.nn.Reshape;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adam;
import org.fluxion.train.Trainer;

/**
 * {@code ./fluxion bench mlp-epoch} and {@code cnn-epoch}: one training epoch on Fashion-MNIST (60,000
 * images, batch 64, Adam 1e-3, 2 threads), Fluxion against PyTorch eager with the same model, alternately
 * (steady state: Fluxion first trains epochs until the JIT has settled, {@link #warmUp}). Then a
 * {@code config=peak-rss} line whose speedup is PyTorch's peak resident set size over Fluxion's, both read from
 * the OS. Fluxion trains through the compiled step (Trainer's default); the first epoch (compilation included) and
 * the compile time are printed apart, and a {@code -compiled-vs-fluxion-eager} line compares the compiled step with
 * the eager loop. Both sides keep the images as bytes and make each batch float32 when it is drawn (Fluxion's
 * {@link ByteImageDataset}, the PyTorch script's {@code fashion_mnist.py}: the same values).
 */
public final class EpochBench implements Benchmark {
    private static final int THREADS = 2;
    /** Warm-up epochs at most, after the first: see {@link #warmUp}. */
    private static final int MAX_WARMUP = 12;
    private final String name;
    private final String description;
    private final String pythonWorkload;
    private final Supplier<Module> model;
    private final int batch;

    private EpochBench(String name, String description, String pythonWorkload, Supplier<Module> model) {
        this(name, description, pythonWorkload, model, 64);
    }

    private EpochBench(String name, String description, String pythonWorkload, Supplier<Module> model, int batch) {
        this.name = name;
        this.description = description;
        this.pythonWorkload = pythonWorkload;
        this.model = model;
        this.batch = batch;
    }

    /** The MLP 784-128-10 with ReLU. */
    public static EpochBench mlp() {
        return new EpochBench("mlp-epoch", "Fashion-MNIST MLP 784-128-10 epoch (Adam, batch 64) vs PyTorch; peak RSS",
                "mlp_epoch", () -> {
                    var rng = new SplittableRandom(0);
                    return new Sequential(new Flatten(), new Linear(784, 128, rng), Activation.relu(),
                            new Linear(128, 10, rng));
                });
    }

    /** conv3x3·32, pool, conv3x3·64, pool, dense 128, dense 10, ReLU, no padding. */
    public static EpochBench cnn() {
        return new EpochBench("cnn-epoch", "Fashion-MNIST CNN epoch (conv32-pool-conv64-pool-128-10) vs PyTorch",
                "cnn_epoch", () -> {
                    var rng = new SplittableRandom(0);
                    return new Sequential(new Reshape(1, 28, 28), new Conv2d(1, 32, 3, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                            new Conv2d(32, 64, 3, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                            new Flatten(), new Linear(64 * 5 * 5, 128, rng), Activation.relu(), new Linear(128, 10, rng));
                });
    }

    /**
     * The Flux model zoo's conv net (seed 004): conv 2x2·16, ReLU, max pool, conv 2x2·8, ReLU, max pool, dense
     * 288->10; batch 1000.
     */
    public static EpochBench lenet() {
        return new EpochBench("lenet-epoch", "Fashion-MNIST Flux conv net (conv2x2*16-pool-conv2x2*8-pool-288-10, batch 1000) vs PyTorch",
                "lenet_epoch", () -> {
                    var rng = new SplittableRandom(0);
                    return new Sequential(new Reshape(1, 28, 28), new Conv2d(1, 16, 2, 1, 0, rng), Activation.relu(),
                            new MaxPool2d(2), new Conv2d(16, 8, 2, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                            new Flatten(), new Linear(288, 10, rng));
                }, 1000);
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
        String config = "b" + batch + "-t" + THREADS;
        // the images as bytes, made float32 per batch (torchvision's way): 47 MB instead of 188 MB resident
        Optional<ByteImageDataset> data = FashionMnist.loadTrainBytes(null);
        if (data.isEmpty()) {
            out.println(BenchLine.unavailable(name, config, "unavailable",
                    "needs Fashion-MNIST: apt-get install dataset-fashion-mnist"));
            return;
        }
        Parallel.setThreads(THREADS);
        Module net = model.get();
        Trainer trainer = new Trainer(net, new Adam(1e-3), Losses::crossEntropy).progress(false).epochLog(null);
        Trainer eagerTrainer = new Trainer(model.get(), new Adam(1e-3), Losses::crossEntropy).progress(false)
                .epochLog(null).compile(false);
        var train = data.get();
        int[] epoch = {0};
        Runnable fluxion = () -> {
            try (DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(epoch[0]++).build()) {
                trainer.fit(loader, null, 1);
            }
        };
        Runnable eager = () -> {
            try (DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(epoch[0]++).build()) {
                eagerTrainer.fit(loader, null, 1);
            }
        };
        // what a user waits for: the first epoch, compilation included, then the steady state below
        double first = Alternating.time(fluxion, 1);
        double compile = trainer.trainStep() == null ? 0 : trainer.trainStep().compileNanos() / 1e9;
        out.println("Fluxion first epoch " + BenchLine.seconds(first) + " (compiled step: " + trainer.isCompiled()
                + ", trace and compile of both batch shapes " + BenchLine.seconds(compile) + ")");
        // The reference starts before the warm-up: starting a process loads the JDK's process classes, new
        // subclasses that invalidate compiled code built on the class hierarchy as it was (Plan.run and
        // ByteImageDataset.batch were deoptimized and recompiled during the first timed epochs).
        try (PythonReference torch = PythonReference.available()
                ? PythonReference.start(pythonWorkload, THREADS) : null) {
            warmUp(fluxion, out);
            if (torch == null) {
                double s = Alternating.time(fluxion, 1);
                out.println(BenchLine.unavailable(name, config, BenchLine.seconds(s), PythonReference.INSTALL_HINT));
            } else {
                againstTorch(out, config, fluxion, torch);
            }
            // after the peak-RSS line: the eager loop's memory is not Fluxion's compiled training
            eager.run();
            Alternating.Result self = Alternating.run(fluxion, eager, 0, 3, 1);
            out.println(BenchLine.time(name, config + "-compiled-vs-fluxion-eager", self.fluxionSeconds(),
                    self.referenceSeconds()));
        } finally {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * Trains epochs until HotSpot's compilers have settled: an epoch during which they compiled for under 2% of
     * its time, at most {@link #MAX_WARMUP} epochs. On two cores the C2 thread shares them with the kernels' two
     * threads, and it keeps compiling hot loops (generated fused kernels, deoptimized and recompiled lambdas) for
     * several epochs of a small model: the MLP's epochs went from 1.0 s to 0.4 s over ten epochs. The steady
     * state is what the protocol times; the epochs on the way are printed.
     */
    private static void warmUp(Runnable fluxion, PrintStream out) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        StringBuilder epochs = new StringBuilder();
        int n = 0;
        boolean settled = false;
        while (n < MAX_WARMUP && !settled) {
            long compiling = jit.getTotalCompilationTime();
            double seconds = Alternating.time(fluxion, 1);
            double compileSeconds = (jit.getTotalCompilationTime() - compiling) / 1e3;
            settled = compileSeconds < 0.02 * seconds;
            epochs.append(n++ == 0 ? "" : ", ").append(BenchLine.seconds(seconds))
                    .append(String.format(Locale.ROOT, " (JIT %.0f ms)", compileSeconds * 1e3));
        }
        out.println("Fluxion warm-up epochs, until the JIT compiles for under 2% of one" + (settled ? "" : " (not reached)")
                + ": " + epochs);
    }

    private void againstTorch(PrintStream out, String config, Runnable fluxion, PythonReference torch)
            throws Exception {
        Alternating.Result r = Alternating.runTimed(fluxion, torch::run, 0, 5, 1);
        out.println(BenchLine.time(name, config, r.fluxionSeconds(), r.referenceSeconds()));
        if (name.startsWith("mlp")) {
            long fluxionRss = PeakRss.bytes();
            long torchRss = torch.peakRss();
            out.println(String.format(Locale.ROOT,
                    "BENCH name=%s config=peak-rss fluxion=%.0fMB reference=%.0fMB speedup=%.2f",
                    name, fluxionRss / 1e6, torchRss / 1e6, (double) torchRss / fluxionRss));
        }
    }
}

package org.fluxion.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.fluxion.data.DataLoader;
import org.fluxion.data.FashionMnist;
import org.fluxion.data.TensorDataset;
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
 * (steady state: each side trains a warm-up epoch first). Then a {@code config=peak-rss} line whose
 * speedup is PyTorch's peak resident set size over Fluxion's, both read from the OS.
 */
public final class EpochBench implements Benchmark {
    private static final int THREADS = 2;
    private final String name;
    private final String description;
    private final String pythonWorkload;
    private final Supplier<Module> model;

    private EpochBench(String name, String description, String pythonWorkload, Supplier<Module> model) {
        this.name = name;
        this.description = description;
        this.pythonWorkload = pythonWorkload;
        this.model = model;
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
        String config = "b64-t" + THREADS;
        Optional<TensorDataset> data = FashionMnist.loadTrain(null);
        if (data.isEmpty()) {
            out.println(BenchLine.unavailable(name, config, "unavailable",
                    "needs Fashion-MNIST: apt-get install dataset-fashion-mnist"));
            return;
        }
        Parallel.setThreads(THREADS);
        Module net = model.get();
        Trainer trainer = new Trainer(net, new Adam(1e-3), Losses::crossEntropy).progress(false).epochLog(null);
        var train = data.get();
        int[] epoch = {0};
        Runnable fluxion = () -> {
            try (DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(epoch[0]++).build()) {
                trainer.fit(loader, null, 1);
            }
        };
        if (!PythonReference.available()) {
            fluxion.run();
            double s = Alternating.time(fluxion, 1);
            out.println(BenchLine.unavailable(name, config, BenchLine.seconds(s), PythonReference.INSTALL_HINT));
            return;
        }
        try (PythonReference torch = PythonReference.start(pythonWorkload, THREADS)) {
            Alternating.Result r = Alternating.runTimed(fluxion, torch::run, 1, 5, 1);
            out.println(BenchLine.time(name, config, r.fluxionSeconds(), r.referenceSeconds()));
            if (name.startsWith("mlp")) {
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

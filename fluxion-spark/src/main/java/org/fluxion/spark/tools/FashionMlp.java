package org.fluxion.spark.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.fluxion.data.FashionMnist;
import org.fluxion.data.TensorDataset;
import org.fluxion.data.TrainTest;
import org.fluxion.models.Activation;
import org.fluxion.models.Conv2d;
import org.fluxion.models.Flatten;
import org.fluxion.models.Linear;
import org.fluxion.models.MaxPool2d;
import org.fluxion.models.Sequential;
import org.fluxion.tensor.Tensor;

/** The models and data of the cluster tools: {@code fluxion train}'s MLP and CNN on standardized Fashion-MNIST. */
final class FashionMlp {
    private FashionMlp() {
    }

    /** 784-128-10 with ReLU, drawn from {@code seed}. */
    static Sequential mlp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Flatten(), Linear.create(784, 128, rng), Activation.RELU, Linear.create(128, 10, rng));
    }

    /** conv3x3·32, ReLU, pool 2, conv3x3·64, ReLU, pool 2, dense 128, ReLU, dense 10, drawn from {@code seed}. */
    static Sequential cnn(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(Conv2d.create(1, 32, 3, 1, 0, rng), Activation.RELU, MaxPool2d.of(2),
                Conv2d.create(32, 64, 3, 1, 0, rng), Activation.RELU, MaxPool2d.of(2), new Flatten(),
                Linear.create(64 * 5 * 5, 128, rng), Activation.RELU, Linear.create(128, 10, rng));
    }

    /**
     * Fashion-MNIST from {@code dir} (null: the Debian location) as {@code [N, 1, 28, 28]} images standardized by
     * the training set's mean and deviation; the first {@code limit} samples of each set (0: all).
     */
    static TrainTest data(Path dir, int limit) throws IOException {
        TrainTest raw = FashionMnist.require(dir);
        TensorDataset train = first(raw.train(), limit);
        TensorDataset test = first(raw.test(), limit);
        Tensor pixels = train.features();
        double mean = pixels.mean().item();
        double std = Math.sqrt(pixels.variance(new int[0], 0, false).item());
        return new TrainTest(new TensorDataset(pixels.sub(mean).div(std), train.labels()),
                new TensorDataset(test.features().sub(mean).div(std), test.labels()), raw.classes(), "Fashion-MNIST");
    }

    private static TensorDataset first(TensorDataset d, int limit) {
        int n = limit > 0 ? Math.min(limit, d.size()) : d.size();
        TensorDataset kept = n < d.size() ? d.slice(0, n) : d;
        return new TensorDataset(kept.features().reshape(n, 1, 28, 28), kept.labels());
    }
}

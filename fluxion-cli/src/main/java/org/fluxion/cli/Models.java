package org.fluxion.cli;

import java.util.random.RandomGenerator;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.Flatten;
import org.fluxion.nn.Linear;
import org.fluxion.nn.MaxPool2d;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adagrad;
import org.fluxion.optim.Adam;
import org.fluxion.optim.AdamW;
import org.fluxion.optim.Optimizer;
import org.fluxion.optim.RmsProp;
import org.fluxion.optim.Sgd;

/** The image classifiers of {@code fluxion train} and their optimizers, by flag value. */
final class Models {
    /** {@code --model} values. */
    enum Kind { mlp, cnn }

    /** {@code --optimizer} values. */
    enum OptimizerKind { adam, sgd, adamw, rmsprop, adagrad }

    private Models() {
    }

    /** A classifier of {@code [B, 1, 28, 28]} images into 10 classes. */
    static Sequential create(Kind kind, RandomGenerator rng) {
        return switch (kind) {
            case mlp -> mlp(rng);
            case cnn -> cnn(rng);
        };
    }

    /** 784-128-10 with ReLU. */
    static Sequential mlp(RandomGenerator rng) {
        return new Sequential(new Flatten(), new Linear(784, 128, rng), Activation.relu(), new Linear(128, 10, rng));
    }

    /** conv3x3·32, ReLU, pool 2, conv3x3·64, ReLU, pool 2, dense 128, ReLU, dense 10 (no padding). */
    static Sequential cnn(RandomGenerator rng) {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 0, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 5 * 5, 128, rng), Activation.relu(), new Linear(128, 10, rng));
    }

    /** The optimizer with PyTorch's defaults besides the learning rate (SGD: momentum 0.9). */
    static Optimizer optimizer(OptimizerKind kind, double lr) {
        return switch (kind) {
            case adam -> new Adam(lr);
            case sgd -> new Sgd(lr, 0.9, false);
            case adamw -> new AdamW(lr);
            case rmsprop -> new RmsProp(lr);
            case adagrad -> new Adagrad(lr);
        };
    }
}

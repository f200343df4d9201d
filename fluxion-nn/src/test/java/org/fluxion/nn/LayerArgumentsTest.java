package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 14: a layer built with an out-of-range argument is an IllegalArgumentException naming the
 * layer and the argument (before: NegativeArraySizeException, ArithmeticException, or a layer that fails
 * at its first apply).
 */
class LayerArgumentsTest {
    private static final SplittableRandom RNG = new SplittableRandom(0);

    private static void rejects(String layer, String argument, Supplier<Module> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(layer + ": ") && e.getMessage().contains(argument),
                "names " + layer + " and " + argument + ": " + e.getMessage());
    }

    @Test
    void negativeSizes() {
        rejects("Linear", "in", () -> new Linear(-1, 3, RNG));
        rejects("Linear", "out", () -> new Linear(3, -2, RNG));
        rejects("Conv2d", "in", () -> new Conv2d(-1, 3, 3, 1, 0, RNG));
        rejects("Conv2d", "out", () -> new Conv2d(1, -3, 3, 1, 0, RNG));
        rejects("Conv2d", "kernel", () -> new Conv2d(1, 3, -3, 1, 0, RNG));
        rejects("Conv2d", "kernel", () -> new Conv2d(1, 3, 0, 1, 0, RNG));
        rejects("Conv2d", "in", () -> new Conv2d(0, 3, 3, 1, 0, RNG)); // the conv2d primitive needs a channel
        rejects("Embedding", "vocab", () -> new Embedding(-10, 4, RNG));
        rejects("Embedding", "dim", () -> new Embedding(10, -4, RNG));
        rejects("BatchNorm1d", "features", () -> new BatchNorm1d(-1));
        rejects("BatchNorm2d", "features", () -> new BatchNorm2d(-1));
        rejects("LayerNorm", "-2", () -> new LayerNorm(3, -2));
        rejects("LayerNorm", "normalizedShape", LayerNorm::new);
    }

    @Test
    void convolutionOptions() {
        rejects("Conv2d", "strideH", () -> new Conv2d(1, 3, 3, 0, 0, RNG));
        rejects("Conv2d", "padH", () -> new Conv2d(1, 3, 3, 1, -1, RNG));
        rejects("Conv2d", "dilationW", () -> new Conv2d(1, 3, 3, new Conv2dOptions(1, 1, 0, 0, 1, 0, 1), true,
                DType.FLOAT32, RNG));
        rejects("Conv2d", "groups", () -> new Conv2d(2, 4, 3, Conv2dOptions.of(1, 0, 1, 0), true, DType.FLOAT32, RNG));
        rejects("Conv2d", "groups", () -> new Conv2d(3, 4, 3, Conv2dOptions.of(1, 0, 1, 2), true, DType.FLOAT32, RNG));
        rejects("Conv2d", "strideW", () -> new Conv2d(Tensor.zeros(2, 1, 3, 3), null,
                new Conv2dOptions(1, 0, 0, 0, 1, 1, 1)));
    }

    @Test
    void poolingOptions() {
        rejects("MaxPool2d", "kernelH", () -> new MaxPool2d(0));
        rejects("AvgPool2d", "kernelH", () -> new AvgPool2d(-2));
        rejects("MaxPool2d", "strideH", () -> new MaxPool2d(Pool2dOptions.of(2, 0, 0)));
        rejects("AvgPool2d", "padH", () -> new AvgPool2d(Pool2dOptions.of(3, 1, -1)));
        rejects("MaxPool2d", "padding", () -> new MaxPool2d(Pool2dOptions.of(2, 1, 2)));
    }

    @Test
    void ratesAndEpsilons() {
        rejects("Dropout", "p", () -> new Dropout(1, RNG));
        rejects("Dropout", "p", () -> new Dropout(-0.1, RNG));
        rejects("Dropout", "p", () -> new Dropout(Double.NaN, RNG));
        rejects("BatchNorm1d", "momentum", () -> new BatchNorm1d(4, 1e-5, 1.5, true, DType.FLOAT32));
        rejects("BatchNorm2d", "eps", () -> new BatchNorm2d(4, -1e-5, 0.1, true, DType.FLOAT32));
        rejects("LayerNorm", "eps", () -> new LayerNorm(new int[] {4}, Double.NaN, true, DType.FLOAT32));
        rejects("Reshape", "dimensions", () -> new Reshape(2, -1));
    }
}

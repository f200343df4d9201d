package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The functional namespace equals the layers and core ops it stands for; gradients; argument errors. */
class FunctionsTest {
    private static final double TOL = 1e-6;
    private static final DType F64 = DType.FLOAT64;

    private static SplittableRandom rng() {
        return new SplittableRandom(7);
    }

    private static void assertEqual(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0, what);
    }

    @Test
    void linearConvolutionAndPoolingEqualTheLayersAndOps() {
        Linear linear = new Linear(5, 3, true, F64, rng());
        Tensor x = randn(1, 2, 4, 5);
        assertEqual(linear.apply(x), Functions.linear(x, linear.weight(), linear.bias()), "linear");
        Linear noBias = new Linear(5, 3, false, F64, rng());
        assertEqual(noBias.apply(x), Functions.linear(x, noBias.weight(), null), "linear without bias");

        Conv2d conv = new Conv2d(4, 6, 3, Conv2dOptions.of(2, 1, 2, 2), true, F64, rng());
        Tensor img = randn(2, 2, 4, 9, 9);
        assertEqual(conv.apply(img), Functions.conv2d(img, conv.weight(), conv.bias(), 2, 1, 2, 2), "conv2d");
        assertEqual(Convolutions.conv2d(img, conv.weight(), null, Conv2dOptions.of(1, 1, 1, 2)),
                Functions.conv2d(img, conv.weight(), null, 1, 1, 1, 2), "conv2d vs ops.Convolutions");
        Conv2d plain = new Conv2d(randn(3, 5, 4, 3, 3), null, Conv2dOptions.DEFAULT);
        assertEqual(plain.apply(img), Functions.conv2d(img, plain.weight(), null), "conv2d defaults");
        assertEqual(new Conv2d(randn(3, 5, 4, 3, 3), randn(4, 5), Conv2dOptions.of(2, 1)).apply(img),
                Functions.conv2d(img, randn(3, 5, 4, 3, 3), randn(4, 5), 2, 1), "conv2d stride and padding");

        assertEqual(new MaxPool2d(Pool2dOptions.of(3, 2, 1)).apply(img), Functions.maxPool2d(img, 3, 2, 1), "maxPool2d");
        assertEqual(new MaxPool2d(2).apply(img), Functions.maxPool2d(img, 2), "maxPool2d 2");
        assertEqual(new AvgPool2d(Pool2dOptions.of(3, 2, 1)).apply(img), Functions.avgPool2d(img, 3, 2, 1), "avgPool2d");
        assertEqual(new AvgPool2d(2).apply(img), Functions.avgPool2d(img, 2), "avgPool2d 2");
        assertEqual(new GlobalAvgPool2d().apply(img), Functions.globalAvgPool2d(img), "globalAvgPool2d");
        assertEqual(new Flatten().apply(img), Functions.flatten(img), "flatten");
    }

    @Test
    void activationsAndLossesEqualActivationsAndLosses() {
        Tensor x = randn(4, 3, 5);
        Map<String, UnaryOperator<Tensor>[]> pairs = Map.of(
                "relu", ops(Activation.relu()::apply, Functions::relu),
                "leakyRelu", ops(Activation.leakyRelu(0.1)::apply, t -> Functions.leakyRelu(t, 0.1)),
                "elu", ops(Activation.elu(0.7)::apply, t -> Functions.elu(t, 0.7)),
                "gelu", ops(Activation.gelu()::apply, Functions::gelu),
                "sigmoid", ops(Activation.sigmoid()::apply, Functions::sigmoid),
                "tanh", ops(Activation.tanh()::apply, Functions::tanh),
                "softmax", ops(Activation.softmax(1)::apply, t -> Functions.softmax(t, 1)),
                "logSoftmax", ops(Activation.logSoftmax(-1)::apply, t -> Functions.logSoftmax(t, -1)));
        pairs.forEach((name, p) -> assertEqual(p[0].apply(x), p[1].apply(x), name));

        Tensor target = randn(5, 3, 5);
        Tensor labels = Tensor.of(new int[] {0, 4, 2}, 3);
        Tensor probabilities = x.sigmoid();
        Tensor binary = target.gt(0).to(F64);
        assertEqual(Losses.mse(x, target), Functions.mse(x, target), "mse");
        assertEqual(Losses.mae(x, target), Functions.mae(x, target), "mae");
        assertEqual(Losses.huber(x, target, 0.5), Functions.huber(x, target, 0.5), "huber");
        assertEqual(Losses.crossEntropy(x, labels), Functions.crossEntropy(x, labels), "crossEntropy");
        assertEqual(Losses.crossEntropy(x, labels, 0.1, Reduction.NONE),
                Functions.crossEntropy(x, labels, 0.1, Reduction.NONE), "crossEntropy smoothed");
        assertEqual(Losses.binaryCrossEntropy(probabilities, binary), Functions.binaryCrossEntropy(probabilities, binary),
                "binaryCrossEntropy");
        assertEqual(Losses.binaryCrossEntropyWithLogits(x, binary), Functions.binaryCrossEntropyWithLogits(x, binary),
                "binaryCrossEntropyWithLogits");
        assertEqual(Losses.hinge(x, binary.mul(2).sub(1)), Functions.hinge(x, binary.mul(2).sub(1)), "hinge");
    }

    @SafeVarargs
    private static UnaryOperator<Tensor>[] ops(UnaryOperator<Tensor>... ops) {
        return ops;
    }

    @Test
    void dropoutNormalizationAndEmbeddingEqualTheLayers() {
        Tensor x = randn(6, 4, 3, 5, 5);
        assertEqual(new Dropout(0.3, new SplittableRandom(3)).apply(x),
                Functions.dropout(x, 0.3, true, new SplittableRandom(3)), "dropout, training");
        assertSame(x, Functions.dropout(x, 0.3, false, new SplittableRandom(3)), "dropout, evaluation: identity");

        LayerNorm ln = new LayerNorm(new int[] {5, 5}, 1e-5, true, F64);
        assertEqual(ln.apply(x), Functions.layerNorm(x, new int[] {5, 5}, ln.weight(), ln.bias(), 1e-5), "layerNorm");
        assertEqual(new LayerNorm(new int[] {5}, 1e-3, false, F64).apply(x),
                Functions.layerNorm(x, new int[] {5}, null, null, 1e-3), "layerNorm without affine");

        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.2, true, F64);
        Tensor mean = Tensor.zeros(F64, 3);
        Tensor var = Tensor.ones(F64, 3);
        assertEqual(bn.apply(x), Functions.batchNorm(x, mean, var, bn.weight(), bn.bias(), true, 0.2, 1e-5),
                "batchNorm, training");
        assertEqual(bn.runningMean(), mean, "running mean updated alike");
        assertEqual(bn.runningVar(), var, "running variance updated alike");
        bn.eval();
        assertEqual(bn.apply(x), Functions.batchNorm(x, mean, var, bn.weight(), bn.bias(), false, 0.2, 1e-5),
                "batchNorm, evaluation");

        Embedding emb = new Embedding(randn(8, 10, 4));
        Tensor ids = Tensor.of(new long[] {3, 0, 9, 3, 1, 2}, 2, 3);
        assertEqual(emb.apply(ids), Functions.embedding(ids, emb.weight()), "embedding");
    }

    @Test
    void gradientsOfAFewFunctionsMatchFiniteDifferences() {
        Tensor w = randn(9, 4, 2, 3, 3).requiresGrad(true);
        Tensor b = randn(10, 4).requiresGrad(true);
        LayerGradCheck.check("conv2d", x -> Functions.conv2d(x, w, b, 2, 1, 1, 2), randn(11, 2, 4, 6, 6), true,
                Map.of("w", w, "b", b), TOL);
        Tensor lw = randn(12, 3, 5).requiresGrad(true);
        LayerGradCheck.check("linear then gelu", x -> Functions.gelu(Functions.linear(x, lw, null)), randn(13, 2, 5),
                true, Map.of("w", lw), TOL);
        Tensor g = randn(14, 3).requiresGrad(true);
        Tensor s = randn(15, 3).requiresGrad(true);
        LayerGradCheck.check("batchNorm", x -> Functions.batchNorm(x, null, null, g, s, true, 0.1, 1e-5),
                randn(16, 4, 3, 2), true, Map.of("weight", g, "bias", s), TOL);
        LayerGradCheck.check("avgPool2d", x -> Functions.avgPool2d(x, 3, 2, 1), randn(17, 1, 2, 5, 5), true, Map.of(), TOL);
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), e.getMessage() + " should contain " + p);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor img = randn(18, 2, 4, 5, 5);
        assertMessage(() -> Functions.linear(randn(1, 2, 4), randn(2, 3, 5), null), "linear", "[2, 4]", "[3, 5]");
        assertMessage(() -> Functions.linear(randn(1, 2, 5), randn(2, 3, 5), randn(3, 4)), "linear: bias", "[3]");
        assertMessage(() -> Functions.conv2d(img, randn(3, 6, 3, 3, 3), null), "conv2d", "4 channels", "expects 3");
        assertMessage(() -> Functions.conv2d(randn(1, 4, 5), randn(3, 6, 3, 3, 3), null), "conv2d", "[N, C, H, W]");
        assertMessage(() -> Functions.maxPool2d(randn(1, 4, 5), 2), "maxPool2d", "[4, 5]");
        assertMessage(() -> Functions.dropout(img, 1, true, rng()), "dropout", "got 1.0");
        assertMessage(() -> Functions.layerNorm(img, new int[] {4}, null, null, 1e-5), "layerNorm", "[4]");
        assertMessage(() -> Functions.layerNorm(img, new int[] {5}, randn(1, 5), null, 1e-5), "both weight and bias");
        assertMessage(() -> Functions.batchNorm(img, null, null, null, null, false, 0.1, 1e-5), "batchNorm",
                "running statistics");
        assertMessage(() -> Functions.batchNorm(img, Tensor.zeros(F64, 3), Tensor.ones(F64, 3), null, null, true, 0.1,
                1e-5), "batchNorm", "[4]", "[3]");
        assertMessage(() -> Functions.batchNorm(randn(1, 1, 4), null, null, null, null, true, 0.1, 1e-5),
                "more than one value");
        assertMessage(() -> Functions.embedding(Tensor.of(new double[] {1}, 1), randn(1, 3, 2)), "embedding", "int32");
    }
}

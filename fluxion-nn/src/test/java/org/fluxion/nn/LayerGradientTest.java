package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every layer: reverse-mode gradients w.r.t. input and parameters vs float64 finite differences. */
class LayerGradientTest {
    private static final double TOL = 1e-6;
    private static final DType F64 = DType.FLOAT64;

    private static SplittableRandom rng() {
        return new SplittableRandom(7);
    }

    @Test
    void linear() {
        LayerGradCheck.check(new Linear(5, 3, true, F64, rng()), randn(1, 4, 5), TOL);
        LayerGradCheck.check(new Linear(5, 3, false, F64, rng()), randn(2, 2, 4, 5), TOL); // [B, T, in]
    }

    @Test
    void conv2d() {
        LayerGradCheck.check(new Conv2d(3, 4, 3, Conv2dOptions.of(1, 1), true, F64, rng()), randn(3, 2, 3, 5, 5), TOL);
        LayerGradCheck.check(new Conv2d(4, 2, 2, Conv2dOptions.of(2, 0, 1, 2), false, F64, rng()),
                randn(4, 1, 4, 6, 6), TOL);
    }

    @Test
    void pooling() {
        LayerGradCheck.check(new MaxPool2d(2), randn(5, 2, 3, 4, 4), TOL);
        LayerGradCheck.check(new MaxPool2d(Pool2dOptions.of(3, 2, 1)), randn(6, 1, 2, 5, 5), TOL);
        LayerGradCheck.check(new AvgPool2d(2), randn(7, 2, 3, 4, 4), TOL);
        LayerGradCheck.check(new AvgPool2d(Pool2dOptions.of(3, 2, 1)), randn(8, 1, 2, 5, 5), TOL);
        LayerGradCheck.check(new GlobalAvgPool2d(), randn(9, 2, 3, 4, 5), TOL);
    }

    @Test
    void flatten() {
        LayerGradCheck.check(new Flatten(), randn(10, 2, 3, 4), TOL);
        LayerGradCheck.check(new Reshape(4, 3), randn(11, 2, 3, 4), TOL);
    }

    @Test
    void dropoutWithAFixedMask() {
        // a fresh generator per call gives the same mask in every evaluation of the finite differences
        LayerGradCheck.check("Dropout", x -> new Dropout(0.3, new SplittableRandom(3)).apply(x), randn(11, 4, 6),
                true, Map.of(), TOL);
        LayerGradCheck.check((Dropout) new Dropout(0.3, rng()).eval(), randn(11, 4, 6), TOL);
    }

    @Test
    void batchNorm1dTrainAndEval() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-5, 0.1, true, F64);
        scrambleAffine(bn.weight(), bn.bias());
        LayerGradCheck.check(bn, randn(12, 5, 3), TOL);
        LayerGradCheck.check(bn, randn(13, 4, 3, 2), TOL); // [N, C, L]
        bn.eval();
        LayerGradCheck.check(bn, randn(14, 5, 3), TOL);
    }

    @Test
    void batchNorm2d() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, true, F64);
        scrambleAffine(bn.weight(), bn.bias());
        LayerGradCheck.check(bn, randn(15, 3, 2, 3, 3), TOL);
        bn.eval();
        LayerGradCheck.check(bn, randn(16, 3, 2, 3, 3), TOL);
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(new int[] {4}, 1e-5, true, F64);
        scrambleAffine(ln.weight(), ln.bias());
        LayerGradCheck.check(ln, randn(17, 3, 4), TOL);
        LayerGradCheck.check(new LayerNorm(new int[] {2, 3}, 1e-5, true, F64), randn(18, 2, 2, 3), TOL);
    }

    @Test
    void embeddingTable() {
        Embedding e = new Embedding(Init.normal(rng(), 1, F64, 6, 3));
        Tensor indices = Tensor.of(new long[] {0, 5, 2, 2, 1, 0}, 2, 3);
        LayerGradCheck.check("Embedding", e::apply, indices, false, e.parameters(), TOL);
    }

    @Test
    void sequentialAndResidual() {
        Sequential net = new Sequential(
                new Linear(4, 6, true, F64, rng()),
                Activation.tanh(),
                new Residual(new Sequential(new Linear(6, 6, true, F64, rng()), Activation.gelu())),
                new Linear(6, 2, true, F64, rng()));
        LayerGradCheck.check(net, randn(19, 3, 4), TOL);
    }

    @Test
    void activations() {
        Map<String, UnaryOperator<Tensor>> fs = Map.of(
                "relu", Activations::relu,
                "leakyRelu", x -> Activations.leakyRelu(x, 0.1),
                "elu", x -> Activations.elu(x, 1.3),
                "gelu", Activations::gelu,
                "sigmoid", Activations::sigmoid,
                "tanh", Activations::tanh,
                "softmax", x -> Activations.softmax(x, 1),
                "logSoftmax", x -> Activations.logSoftmax(x, 0));
        fs.forEach((name, f) -> LayerGradCheck.check(new Activation(name, f), randn(20, 3, 4), TOL));
    }

    private static void scrambleAffine(Tensor weight, Tensor bias) {
        try (var scope = org.fluxion.autodiff.GradMode.noGrad()) {
            weight.copyFrom(randn(99, weight.dims()).add(1));
            bias.copyFrom(randn(98, bias.dims()));
        }
    }
}

package org.fluxion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.fluxion.autodiff.Tree;
import org.fluxion.jit.Jit;
import org.fluxion.testing.TreeGradCheck;
import org.fluxion.jit.Jitted;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer as data: its derivatives (input and parameters; reverse, forward and second order) against
 * finite differences in float64, and its compiled pass (output and the layer after the pass) against the eager
 * one, in training and in inference.
 */
class LayersTest {
    /** A layer, the shape of a sample batch, and whether it runs in training. */
    record Case(String name, Function<DType, Layer> model, int[] input, boolean training) {
        @Override
        public String toString() {
            return name + (training ? " (training)" : " (inference)");
        }
    }

    /** The input and the model: what the derivatives are taken with respect to. */
    record Args(Tensor x, Layer model) {
    }

    record CompiledArgs(Tensor x, Layer model, Tensor key) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Linear", d -> Linear.create(5, 3, true, d, new SplittableRandom(1)), new int[] {4, 5}, true),
                new Case("Linear without bias", d -> Linear.create(5, 3, false, d, new SplittableRandom(2)),
                        new int[] {2, 3, 5}, false),
                new Case("Conv2d", d -> Conv2d.create(2, 3, 3, Conv2dOptions.of(2, 1), true, d, new SplittableRandom(3)),
                        new int[] {2, 2, 5, 6}, true),
                new Case("BatchNorm 1d", d -> batchNorm(3, d), new int[] {6, 3}, true),
                new Case("BatchNorm 2d", d -> batchNorm(2, d), new int[] {3, 2, 2, 3}, true),
                new Case("BatchNorm 2d", d -> batchNorm(2, d), new int[] {3, 2, 2, 3}, false),
                new Case("Dropout", d -> new Dropout(0.4), new int[] {5, 7}, true),
                new Case("Sequential", LayersTest::network, new int[] {3, 1, 8, 8}, true),
                new Case("Sequential", LayersTest::network, new int[] {3, 1, 8, 8}, false));
    }

    /** Affine parameters and running statistics away from their initial 1 and 0, so that each matters. */
    static BatchNorm batchNorm(int c, DType d) {
        SplittableRandom rng = new SplittableRandom(5 + c);
        return new BatchNorm(Tensor.randn(rng, d, c).add(1), Tensor.randn(rng, d, c),
                new RunningStats(Tensor.randn(rng, d, c), Tensor.rand(rng, d, c).add(0.5)), 1e-5, 0.1);
    }

    /** conv, batch norm, ReLU, max pool, flatten, dropout, dense: every kind of layer in one model. */
    static Layer network(DType d) {
        SplittableRandom rng = new SplittableRandom(9);
        return new Sequential(Conv2d.create(1, 4, 3, Conv2dOptions.of(1, 1), true, d, rng), batchNorm(4, d),
                Activation.TANH, MaxPool2d.of(2), new Flatten(), new Dropout(0.25),
                Linear.create(4 * 4 * 4, 3, true, d, rng), Activation.RELU);
    }

    private static Context context(boolean training, Tensor key) {
        return training ? Context.train(key) : Context.inference();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void derivativesMatchFiniteDifferences(Case c) {
        Layer model = c.model().apply(DType.FLOAT64);
        Tensor x = Tensor.randn(new SplittableRandom(21), DType.FLOAT64, c.input());
        Tensor key = Context.key(3);
        Tensor y = model.apply(x, context(c.training(), key)).output();
        Tensor r = Tensor.randn(new SplittableRandom(22), DType.FLOAT64, y.dims());
        Function<Args, Tensor> loss = a -> a.model().apply(a.x(), context(c.training(), key)).output().mul(r).sum();
        // second order through max pooling and ReLU is zero almost everywhere but still checked
        TreeGradCheck.check(c.toString(), loss, new Args(x, model), 1e-5, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledPassEqualsEager(Case c) {
        Layer model = c.model().apply(DType.FLOAT32);
        Tensor x = Tensor.randn(new SplittableRandom(31), DType.FLOAT32, c.input());
        Function<CompiledArgs, Applied> pass = a -> a.model().apply(a.x(), context(c.training(), a.key()));
        Jitted<CompiledArgs, Applied> compiled = Jit.jit(pass);
        for (long seed = 0; seed < 2; seed++) {
            CompiledArgs args = new CompiledArgs(x, model, Context.key(seed));
            Applied eager = pass.apply(args);
            Applied jitted = compiled.apply(args);
            List<Tensor> e = Tree.leaves(eager);
            List<Tensor> j = Tree.leaves(jitted);
            assertEquals(e.size(), j.size(), c + ": leaves");
            for (int i = 0; i < e.size(); i++) {
                assertArrayEquals(e.get(i).dims(), j.get(i).dims(), c + ": shape of leaf " + i);
                assertTrue(e.get(i).allClose(j.get(i), 1e-5, 1e-6), c + ": leaf " + i + " compiled vs eager");
            }
            assertEquals(eager.layer().getClass(), jitted.layer().getClass());
        }
        assertEquals(1, compiled.traceCount(), c + ": a new key is a new value, not a new signature");
    }
}

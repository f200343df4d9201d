package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.fluxion.autodiff.Tree;
import org.fluxion.models.Activation;
import org.fluxion.models.Applied;
import org.fluxion.models.BatchNorm;
import org.fluxion.models.Context;
import org.fluxion.models.Conv2d;
import org.fluxion.models.Dropout;
import org.fluxion.models.Flatten;
import org.fluxion.models.Layer;
import org.fluxion.models.Linear;
import org.fluxion.models.MaxPool2d;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The training step compiled against the same step run eagerly, for every layer type; the fallback to eager. */
class TrainStepTest {
    record Case(String name, Supplier<Layer> model, int[] input) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("MLP", () -> {
                    SplittableRandom rng = new SplittableRandom(1);
                    return new Sequential(new Flatten(), Linear.create(12, 16, rng), Activation.RELU, Linear.create(16, 4, rng));
                }, new int[] {8, 3, 4}),
                new Case("MLP with batch norm and dropout", () -> {
                    SplittableRandom rng = new SplittableRandom(2);
                    return new Sequential(Linear.create(12, 16, rng), BatchNorm.create(16), Activation.TANH,
                            new Dropout(0.3), Linear.create(16, 4, rng));
                }, new int[] {8, 12}),
                new Case("CNN with batch norm, pooling and dropout", () -> {
                    SplittableRandom rng = new SplittableRandom(3);
                    return new Sequential(Conv2d.create(1, 4, 3, 1, 1, rng), BatchNorm.create(4), Activation.RELU,
                            MaxPool2d.of(2), new Flatten(), new Dropout(0.2), Linear.create(4 * 3 * 3, 4, rng));
                }, new int[] {8, 1, 6, 6}));
    }

    private static final GradientTransformation ADAM = GradientTransformation.chain(Transformations.clipByGlobalNorm(5),
            Transformations.adamw(LearningRateSchedule.cosine(0.01, 10, 0.001), 0.9, 0.999, 1e-8, 1e-3, p -> p.rank() > 1));

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledStepsGiveTheEagerParametersAfterTenSteps(Case c) {
        TrainStep<Layer> compiled = new TrainStep<>(ADAM, Losses::crossEntropy, true);
        TrainStep<Layer> eager = new TrainStep<>(ADAM, Losses::crossEntropy, false);
        TrainState<Layer> a = compiled.init(c.model().get(), 7);
        TrainState<Layer> b = eager.init(c.model().get(), 7);
        SplittableRandom data = new SplittableRandom(5);
        double first = Double.NaN;
        double last = Double.NaN;
        // one batch, seen ten times: the loss on it must fall
        Tensor x = Tensor.randn(data, DType.FLOAT32, c.input());
        Tensor y = Tensor.of(new long[] {0, 1, 2, 3, 0, 1, 2, 3}, 8);
        for (int step = 0; step < 10; step++) {
            TrainStep.Result<Layer> ra = compiled.apply(a, x, y);
            TrainStep.Result<Layer> rb = eager.apply(b, x, y);
            assertEquals(rb.loss().item(), ra.loss().item(), 1e-4 * (1 + Math.abs(rb.loss().item())), c + ": loss " + step);
            a = ra.state();
            b = rb.state();
            first = Double.isNaN(first) ? ra.loss().item() : first;
            last = ra.loss().item();
        }
        assertTrue(compiled.isCompiled(), compiled.eagerReason());
        assertEquals(1, compiled.compiled().traceCount(), c + ": one trace for all steps");
        List<Tensor> la = Tree.leaves(a);
        List<Tensor> lb = Tree.leaves(b);
        assertEquals(lb.size(), la.size());
        for (int i = 0; i < la.size(); i++) {
            assertEquals(lb.get(i).dtype(), la.get(i).dtype(), c + ": dtype of leaf " + i);
            assertTrue(la.get(i).allClose(lb.get(i), 1e-4, 1e-5), c + ": leaf " + i + " max difference "
                    + la.get(i).to(DType.FLOAT64).sub(lb.get(i).to(DType.FLOAT64)).abs().max().item());
        }
        assertEquals(17, a.key().getLong(), "the key advanced once per step");
        assertTrue(last < first, c + ": the steps train (" + first + " -> " + last + ")");
    }

    /** A layer whose Java code branches on a value: the step says once that it runs eagerly, and does. */
    record Branching(Linear inner) implements Layer {
        @Override
        public Applied apply(Tensor x, Context context) {
            Tensor y = inner.apply(x, context).output();
            return new Applied(y.sum().item() > 0 ? y : y.neg(), new Branching((Linear) inner.apply(x, context).layer()));
        }
    }

    @Test
    void untraceableModelsRunEagerlySayingSoOnce() {
        TrainStep<Branching> step = new TrainStep<>(Transformations.sgd(0.1), Losses::mse, true);
        TrainState<Branching> s = step.init(new Branching(Linear.create(3, 2, new SplittableRandom(1))), 0);
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            for (int i = 0; i < 3; i++) {
                s = step.apply(s, Tensor.randn(new SplittableRandom(i), DType.FLOAT32, 4, 3), Tensor.zeros(4, 2)).state();
            }
        } finally {
            System.setErr(saved);
        }
        assertFalse(step.isCompiled());
        assertTrue(step.eagerReason().contains("Concretization"), step.eagerReason());
        String printed = err.toString();
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.contains("cannot be compiled") && printed.contains("eagerly"), printed);
        assertEquals(3, s.key().getLong());
    }

    @Test
    void eagerStepNeverCompiles() {
        TrainStep<Linear> step = new TrainStep<>(Transformations.sgd(0.1), Losses::mse, false);
        assertFalse(step.isCompiled());
        TrainState<Linear> s = step.init(Linear.create(3, 2, new SplittableRandom(1)), 0);
        step.apply(s, Tensor.ones(2, 3), Tensor.zeros(2, 2));
        assertEquals(0, step.compiled().traceCount());
    }
}

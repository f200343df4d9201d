package org.fluxion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.Tree;
import org.fluxion.nn.BatchNorm2d;
import org.fluxion.nn.LayerInputException;
import org.fluxion.nn.Losses;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Checkpoint;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model as a tree: its parameters and state, names, summary, checkpoints, per-example gradients, randomness. */
class ModelsTest {
    private static Sequential cnn() {
        SplittableRandom rng = new SplittableRandom(0);
        return new Sequential(Conv2d.create(1, 8, 3, 1, 0, rng), BatchNorm.create(8), Activation.RELU, MaxPool2d.of(2),
                new Flatten(), new Dropout(0.5), Linear.create(8 * 13 * 13, 10, rng));
    }

    @Test
    void parametersLeaveTheRunningStatisticsOut() {
        Sequential m = cnn();
        List<Tensor> p = Models.parameters(m);
        assertEquals(6, p.size(), "conv weight and bias, batch-norm scale and shift, dense weight and bias");
        assertEquals(8 * 9 + 8 + 8 + 8 + 1352 * 10 + 10, Models.parameterCount(m));
        assertEquals(16, Models.stateCount(m), "running mean and variance");
        assertEquals(8, Tree.leaves(m).size());
        List<Tensor> doubled = p.stream().map(t -> t.mul(2)).toList();
        Sequential m2 = Models.withParameters(m, doubled);
        assertSame(doubled.get(4), ((Linear) m2.layers().get(6)).weight());
        assertSame(((BatchNorm) m.layers().get(1)).running().mean(), ((BatchNorm) m2.layers().get(1)).running().mean(),
                "state kept");
        var e = assertThrows(IllegalArgumentException.class, () -> Models.withParameters(m, p.subList(0, 5)));
        assertTrue(e.getMessage().contains("6 parameters, 5 were given"), e.getMessage());
        var swapped = new java.util.ArrayList<>(p);
        java.util.Collections.swap(swapped, 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> Models.withParameters(m, swapped));
        assertTrue(e.getMessage().contains("parameter 0 has shape [8]"), e.getMessage());
    }

    @Test
    void summaryListsLayersOutputShapesAndCounts() {
        String s = Models.summary(cnn(), 1, 28, 28);
        assertTrue(s.contains("Conv2d 1->8 3x3") && s.contains("[N, 8, 26, 26]"), s);
        assertTrue(s.contains("MaxPool2d 2x2") && s.contains("[N, 8, 13, 13]"), s);
        assertTrue(s.contains("Linear 1352->10") && s.contains("[N, 10]") && s.contains("13,530"), s);
        assertTrue(s.contains("Trainable parameters: 13,626") && s.contains("State (not trained): 16"), s);
        assertFalse(Models.summary(cnn()).contains("[N"), "no shapes without a sample shape");
        var e = assertThrows(LayerInputException.class, () -> Models.summary(cnn(), 3, 28, 28));
        assertTrue(e.getMessage().contains("layer 0 (Conv2d 1->8 3x3)"), e.getMessage());
    }

    @Test
    void namedLeavesRoundTripThroughACheckpoint(@TempDir Path dir) throws Exception {
        Sequential m = cnn();
        Map<String, Tensor> named = Models.stateDict(m);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running.mean", "1.running.variance",
                "6.weight", "6.bias"), List.copyOf(named.keySet()));
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, named, Map.of(), Map.of());
        Sequential fresh = Models.loadStateDict(zeroed(cnn()),
                Checkpoint.load(file).parameters());
        List<Tensor> a = Tree.leaves(m);
        List<Tensor> b = Tree.leaves(fresh);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).toDoubleArray(), b.get(i).toDoubleArray(), 0, "leaf " + i);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Models.loadStateDict(m, Map.of()));
        assertTrue(e.getMessage().contains("missing tensor 0.weight"), e.getMessage());
    }

    private static Sequential zeroed(Sequential m) {
        return Tree.map(m, t -> Tensor.zeros(t.dtype(), t.dims()));
    }

    /** JAX's per-example gradients: vmap of the gradient over the batch, the model shared. */
    @Test
    void perExampleGradientsByVmap() {
        SplittableRandom rng = new SplittableRandom(4);
        Sequential m = new Sequential(Linear.create(3, 4, true, DType.FLOAT64, rng), Activation.TANH,
                Linear.create(4, 2, true, DType.FLOAT64, rng));
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 3);
        Tensor y = Tensor.of(new long[] {0, 1, 1, 0, 1}, 5);
        java.util.function.Function<List<Object>, Sequential> perExample = a -> {
            Tensor xi = (Tensor) a.get(1);
            Tensor yi = (Tensor) a.get(2);
            return Functional.treeGrad((Sequential p) -> Losses.crossEntropy(p.apply(xi.reshape(1, 3)), yi.reshape(1)))
                    .apply((Sequential) a.get(0));
        };
        Sequential batched = Vmap.treeVmap(perExample, List.of(-1, 0, 0)).apply(List.of(m, x, y));
        List<Tensor> leaves = Tree.leaves(batched);
        for (int b = 0; b < 5; b++) {
            List<Tensor> one = Tree.leaves(perExample.apply(List.of(m, x.select(0, b), y.select(0, b))));
            for (int i = 0; i < one.size(); i++) {
                assertTrue(leaves.get(i).select(0, b).allClose(one.get(i), 1e-12, 1e-12), "example " + b + " leaf " + i);
            }
        }
    }

    @Test
    void dropoutFollowsTheKey() {
        Tensor x = Tensor.ones(200, 50);
        Dropout d = new Dropout(0.3);
        Tensor a = d.apply(x, Context.train(Context.key(1))).output();
        assertArrayEquals(a.toDoubleArray(), d.apply(x, Context.train(Context.key(1))).output().toDoubleArray(), 0);
        assertFalse(a.allClose(d.apply(x, Context.train(Context.key(2))).output(), 0, 0));
        assertFalse(a.allClose(d.apply(x, Context.train(Context.key(1)).child(1)).output(), 0, 0), "another stream");
        double kept = a.ne(0).to(DType.FLOAT64).mean().item();
        assertEquals(0.7, kept, 4 * Math.sqrt(0.21 / 10_000));
        assertEquals(1 / 0.7, a.max().item(), 1e-6);
        assertSame(x, d.apply(x, Context.inference()).output());
        var e = assertThrows(IllegalStateException.class, () -> d.apply(x, Context.train()));
        assertTrue(e.getMessage().contains("Dropout 0.3") && e.getMessage().contains("key"), e.getMessage());
    }

    /** The running statistics returned by a pass equal those the eager module updates in place. */
    @Test
    void batchNormReturnsTheStatisticsTheEagerModuleUpdates() {
        BatchNorm2d eager = new BatchNorm2d(3);
        BatchNorm functional = BatchNorm.create(3);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(new SplittableRandom(step), DType.FLOAT32, 4, 3, 5, 5).mul(step + 1).add(step);
            Tensor ye = eager.apply(x);
            Applied a = functional.apply(x, Context.train());
            assertTrue(ye.allClose(a.output(), 1e-5, 1e-6));
            functional = (BatchNorm) a.layer();
        }
        assertTrue(eager.runningMean().allClose(functional.running().mean(), 1e-5, 1e-6));
        assertTrue(eager.runningVar().allClose(functional.running().variance(), 1e-5, 1e-6));
        BatchNorm before = functional;
        Applied inference = functional.apply(Tensor.randn(new SplittableRandom(9), DType.FLOAT32, 2, 3, 2, 2),
                Context.inference());
        assertSame(before, inference.layer(), "inference keeps the state");
    }

    @Test
    void layerErrorsSayWhichLayer() {
        var e = assertThrows(LayerInputException.class,
                () -> new Sequential(Linear.create(4, 2, new SplittableRandom(1)), Activation.RELU)
                        .apply(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().contains("layer 0 (Linear 4->2) expected input [..., 4], got [3, 5]"), e.getMessage());
        var c = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.create(3, 4, 3, Conv2dOptions.of(1, 0, 1, 2), true, DType.FLOAT32, new SplittableRandom(1)));
        assertTrue(c.getMessage().contains("multiples of groups"), c.getMessage());
        var k = assertThrows(IllegalArgumentException.class, () -> Context.train(Tensor.scalar(1.0)));
        assertTrue(k.getMessage().contains("int64 scalar"), k.getMessage());
    }
}

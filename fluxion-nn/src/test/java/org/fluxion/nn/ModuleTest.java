package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Parameter discovery, modes, shapes of every layer and the chain error. */
class ModuleTest {
    private static Sequential cnn() {
        var rng = new SplittableRandom(1);
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128, rng), Activation.relu(), new Linear(128, 10, rng));
    }

    @Test
    void parametersAreNamedRecursivelyInAStableOrder() {
        Sequential net = cnn();
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
                List.copyOf(net.parameters().keySet()));
        assertEquals(32 * 9 + 32 + 64 * 32 * 9 + 64 + 3136 * 128 + 128 + 1290, net.parameterCount());
        assertTrue(net.parameters().values().stream().allMatch(Tensor::requiresGrad));
        assertArrayEquals(new int[] {2, 10}, net.apply(Tensor.zeros(2, 1, 28, 28)).dims());
    }

    @Test
    void namedLayersAndBuffers() {
        var rng = new SplittableRandom(2);
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("fc1", new Linear(4, 3, rng));
        layers.put("bn", new BatchNorm1d(3));
        layers.put("block", new Residual(new Linear(3, 3, rng)));
        Sequential net = new Sequential(layers);
        assertEquals(List.of("fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "block.body.weight", "block.body.bias"),
                List.copyOf(net.parameters().keySet()));
        assertEquals(List.of("bn.running_mean", "bn.running_var", "bn.num_batches_tracked"),
                List.copyOf(net.buffers().keySet()));
        assertEquals(9, net.stateDict().size());
    }

    @Test
    void trainAndEvalPropagate() {
        Sequential net = new Sequential(new Dropout(0.5, new SplittableRandom(0)), new Sequential(new BatchNorm1d(2)));
        assertTrue(net.layer(1).isTraining());
        net.eval();
        assertFalse(((Sequential) net.layer(1)).layer(0).isTraining());
        net.train();
        assertTrue(((Sequential) net.layer(1)).layer(0).isTraining());
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Linear l = new Linear(3, 2, new SplittableRandom(3));
        l.apply(Tensor.ones(4, 3)).sum().backward();
        assertEquals(4, l.bias().grad().get(0), 0);
        l.zeroGrad();
        assertNull(l.weight().grad());
        assertNull(l.bias().grad());
    }

    @Test
    void stateDictRoundTripAndMismatch() {
        Sequential a = new Sequential(new Linear(3, 2, new SplittableRandom(4)), new BatchNorm1d(2));
        Sequential b = new Sequential(new Linear(3, 2, new SplittableRandom(5)), new BatchNorm1d(2));
        a.apply(Tensor.randn(6, 5, 3));
        b.loadStateDict(a.stateDict());
        a.stateDict().forEach((k, v) -> assertEquals(v, b.stateDict().get(k), k));
        Sequential c = new Sequential(new Linear(4, 2, new SplittableRandom(5)), new BatchNorm1d(2));
        var e = assertThrows(IllegalArgumentException.class, () -> c.loadStateDict(a.stateDict()));
        assertEquals("loadStateDict: tensor 0.weight has shape [2, 3], the model expects [2, 4]", e.getMessage());
    }

    @Test
    void chainErrorNamesTheLayerAndBothShapes() {
        var rng = new SplittableRandom(6);
        Sequential mlp = new Sequential(new Flatten(), Activation.relu(), new Linear(784, 128, rng));
        var e = assertThrows(IllegalArgumentException.class, () -> mlp.apply(Tensor.zeros(64, 100)));
        assertEquals("layer 2 (Linear 784->128) expected input [..., 784], got [64, 100]", e.getMessage());
        var conv = assertThrows(IllegalArgumentException.class, () -> cnn().apply(Tensor.zeros(2, 3, 28, 28)));
        assertEquals("layer 0 (Conv2d 1->32 3x3) expected input [N, 1, H, W], got [2, 3, 28, 28]", conv.getMessage());
        var flat = assertThrows(IllegalArgumentException.class, () -> cnn().apply(Tensor.zeros(2, 1, 32, 32)));
        assertEquals("layer 7 (Linear 3136->128) expected input [..., 3136], got [2, 4096]", flat.getMessage());
        var nested = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new Sequential(new Linear(3, 2, rng))).apply(Tensor.zeros(1, 4)));
        assertEquals("layer 0 (layer 0 (Linear 3->2)) expected input [..., 3], got [1, 4]", nested.getMessage());
    }

    @Test
    void layerShapes() {
        var rng = new SplittableRandom(8);
        Tensor img = Tensor.zeros(2, 3, 9, 8);
        assertArrayEquals(new int[] {2, 5, 5, 4}, new Conv2d(3, 5, 3, Conv2dOptions.of(2, 1), true,
                org.fluxion.tensor.DType.FLOAT32, rng).apply(img).dims());
        assertArrayEquals(new int[] {2, 3, 4, 4}, new MaxPool2d(2).apply(img).dims());
        assertArrayEquals(new int[] {2, 3, 4, 4}, new AvgPool2d(2).apply(img).dims());
        assertArrayEquals(new int[] {2, 3}, new GlobalAvgPool2d().apply(img).dims());
        assertArrayEquals(new int[] {2, 216}, new Flatten().apply(img).dims());
        assertArrayEquals(new int[] {2, 1, 27, 8}, new Reshape(1, 27, 8).apply(img).dims());
        assertThrows(IllegalArgumentException.class, () -> new Reshape(5, 5).apply(img));
        assertArrayEquals(new int[] {2, 3, 9, 8}, new BatchNorm2d(3).apply(Tensor.randn(1, 2, 3, 9, 8)).dims());
        assertArrayEquals(new int[] {2, 3, 9, 8}, new LayerNorm(9, 8).apply(img).dims());
        assertArrayEquals(new int[] {2, 4, 7}, new Linear(5, 7, rng).apply(Tensor.zeros(2, 4, 5)).dims());
        Embedding emb = new Embedding(10, 2, rng);
        Tensor ids = Tensor.of(new int[] {1, 9, 3, 0, 0, 4}, 2, 3);
        Tensor out = emb.apply(ids);
        assertArrayEquals(new int[] {2, 3, 2}, out.dims());
        assertEquals(emb.weight().get(9, 1), out.get(0, 1, 1), 0);
        var bad = assertThrows(IllegalArgumentException.class, () -> emb.apply(Tensor.zeros(2, 3)));
        assertEquals("Embedding 10x2 expected int32 or int64 indices, got float32 [2, 3]", bad.getMessage());
        var res = assertThrows(IllegalArgumentException.class,
                () -> new Residual(new Linear(3, 2, rng)).apply(Tensor.zeros(1, 3)));
        assertTrue(res.getMessage().contains("[1, 3] to [1, 2]"), res.getMessage());
    }

    @Test
    void activationValues() {
        Tensor x = Tensor.of(new double[] {-2, -0.5, 0, 1.5}, 4);
        assertArrayEquals(new double[] {0, 0, 0, 1.5}, Activations.relu(x).toDoubleArray(), 0);
        assertArrayEquals(new double[] {-0.2, -0.05, 0, 1.5}, Activations.leakyRelu(x, 0.1).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {Math.expm1(-2), Math.expm1(-0.5), 0, 1.5},
                Activations.elu(x, 1).toDoubleArray(), 1e-15);
        // the tanh approximation is within 1e-3 of x Phi(x): Phi(1.5) = 0.9331928, Phi(-2) = 0.0227501
        double[] g = Activations.gelu(x).toDoubleArray();
        assertEquals(1.5 * 0.9331928, g[3], 1e-3);
        assertEquals(-2 * 0.0227501, g[0], 1e-3);
        assertEquals(0, g[2], 0);
        // elu must not overflow in the branch it does not take
        Tensor big = Tensor.of(new double[] {-1000, 1000}, 2).requiresGrad(true);
        Activations.elu(big, 1).sum().backward();
        assertArrayEquals(new double[] {0, 1}, big.grad().toDoubleArray(), 1e-300);
    }
}

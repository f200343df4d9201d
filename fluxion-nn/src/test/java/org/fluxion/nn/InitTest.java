package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Initializers: fans, bounds and standard deviations, seeds. */
class InitTest {
    private static final DType F64 = DType.FLOAT64;

    private static double std(Tensor t) {
        return Math.sqrt(t.variance(new int[] {0, 1}, 0, false).item());
    }

    private static double maxAbs(Tensor t) {
        return t.abs().max().item();
    }

    @Test
    void fans() {
        assertEquals(72, Init.fanIn(16, 8, 3, 3));
        assertEquals(144, Init.fanOut(16, 8, 3, 3));
        assertEquals(300, Init.fanIn(200, 300));
        assertEquals(5, Init.fanIn(5));
    }

    @Test
    void glorot() {
        Tensor u = Init.glorotUniform(new SplittableRandom(1), F64, 200, 300);
        double a = Math.sqrt(6.0 / 500);
        assertTrue(maxAbs(u) <= a);
        assertEquals(a / Math.sqrt(3), std(u), 0.01 * a);
        Tensor n = Init.glorotNormal(new SplittableRandom(2), F64, 200, 300);
        assertEquals(Math.sqrt(2.0 / 500), std(n), 0.01 * Math.sqrt(2.0 / 500));
    }

    @Test
    void kaiming() {
        Tensor u = Init.kaimingUniform(new SplittableRandom(3), F64, 200, 300);
        double b = Math.sqrt(6.0 / 300);
        assertTrue(maxAbs(u) <= b);
        assertEquals(b / Math.sqrt(3), std(u), 0.01 * b);
        Tensor n = Init.kaimingNormal(new SplittableRandom(4), F64, 200, 300);
        assertEquals(Math.sqrt(2.0 / 300), std(n), 0.01 * Math.sqrt(2.0 / 300));
    }

    @Test
    void normalTruncatedAndZeros() {
        assertEquals(0.3, std(Init.normal(5, 0.3, F64, 200, 300)), 0.003);
        Tensor t = Init.truncatedNormal(new SplittableRandom(6), 0.5, F64, 200, 300);
        assertTrue(maxAbs(t) <= 1.0);
        assertEquals(0.5 * 0.8796, std(t), 0.005); // the std of N(0,1) truncated at +-2
        assertEquals(0, maxAbs(Init.zeros(F64, 3, 4)), 0);
    }

    @Test
    void layerDefaultsArePyTorchs() {
        Linear l = new Linear(400, 50, new SplittableRandom(7));
        assertTrue(maxAbs(l.weight()) <= 1 / Math.sqrt(400));
        assertTrue(maxAbs(l.weight()) > 0.9 / Math.sqrt(400));
        assertTrue(maxAbs(l.bias()) <= 1 / Math.sqrt(400));
        Conv2d c = new Conv2d(8, 16, 3, 1, 1, new SplittableRandom(8));
        assertTrue(maxAbs(c.weight()) <= 1 / Math.sqrt(72));
        assertEquals(new Linear(4, 3, new SplittableRandom(9)).weight(), new Linear(4, 3, new SplittableRandom(9)).weight());
    }

    /** Issue 9 item 6: with fan-in 0 PyTorch's bound is 0; 1/sqrt(0) gave an infinite bound and NaN biases. */
    @Test
    void zeroFanInGivesZerosNotNaN() {
        Linear l = new Linear(0, 3, new SplittableRandom(10));
        assertEquals(Tensor.zeros(3), l.bias());
        assertEquals(Tensor.zeros(2, 3), l.apply(Tensor.zeros(2, 0)));
        assertEquals(Tensor.zeros(F64, 5), Init.uniformFanIn(new SplittableRandom(12), 0, F64, 5));
        for (Tensor t : new Tensor[] {Init.glorotUniform(new SplittableRandom(13), F64, 0, 0),
            Init.kaimingUniform(new SplittableRandom(14), F64, 3, 0), Init.kaimingNormal(new SplittableRandom(15), F64, 3, 0)}) {
            assertEquals(0, t.size(), "a zero fan-in weight is empty");
        }
        // Layers whose parameters do not depend on a fan are finite at size 0 too.
        assertEquals(0, new Embedding(0, 4, new SplittableRandom(16)).weight().size());
        assertEquals(Tensor.zeros(0), new BatchNorm1d(0).bias());
        assertEquals(Tensor.zeros(3, 0), new LayerNorm(0).apply(Tensor.zeros(3, 0)));
    }

    @Test
    void negativeDimensionsAndFansAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.normal(1, 1, F64, 2, -3));
        assertTrue(e.getMessage().contains("[2, -3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.uniformFanIn(new SplittableRandom(1), -1, F64, 2));
        assertTrue(e.getMessage().contains("fanIn") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.normal(1, 1, F64, 65536, 65536));
        assertTrue(e.getMessage().contains("elements"), e.getMessage());
    }
}

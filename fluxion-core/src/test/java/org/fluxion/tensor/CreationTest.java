package org.fluxion.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import static org.fluxion.testing.MessageAssertions.assertMessage;

class CreationTest {
    @Test
    void constantsAndRanges() {
        assertArrayEquals(new float[6], Tensor.zeros(2, 3).toFloatArray());
        assertEquals(DType.INT64, Tensor.zeros(DType.INT64, 2).dtype());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.FLOAT64, 2).toDoubleArray());
        assertArrayEquals(new int[] {7, 7, 7}, Tensor.full(7.9, DType.INT32, 3).toIntArray());
        assertArrayEquals(new long[] {0, 1, 2, 3}, Tensor.arange(4).toLongArray());
        assertArrayEquals(new double[] {1, 0.5, 0, -0.5}, Tensor.arange(1, -1, -0.5, DType.FLOAT64).toDoubleArray());
        assertEquals(0, Tensor.arange(0).size());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1}, Tensor.linspace(0, 1, 5).toFloatArray());
        assertEquals(1.0, Tensor.linspace(0, 1, 1).get(0) + 1, "one step gives start");
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3, DType.FLOAT32).toFloatArray());
        assertEquals(Shape.scalar(), Tensor.scalar(2).shape());
        assertEquals(2.0, Tensor.scalar(2).item());
    }

    @Test
    void randomIsSeededAndInRange() {
        assertEquals(Tensor.randn(5, 100), Tensor.randn(5, 100));
        assertNotEquals(Tensor.randn(5, 100), Tensor.randn(6, 100));
        float[] u = Tensor.rand(1, 10_000).toFloatArray();
        double mean = 0;
        for (float v : u) {
            assertTrue(v >= 0 && v < 1);
            mean += v / u.length;
        }
        assertEquals(0.5, mean, 0.02);
        double[] g = Tensor.randn(java.util.random.RandomGenerator.of("L64X128MixRandom"), DType.FLOAT64, 20_000).toDoubleArray();
        double m = 0;
        double s = 0;
        for (double v : g) {
            m += v / g.length;
        }
        for (double v : g) {
            s += (v - m) * (v - m) / g.length;
        }
        assertEquals(0, m, 0.03);
        assertEquals(1, s, 0.05);
        for (long v : Tensor.randint(3, -2, 3, 1000).toLongArray()) {
            assertTrue(v >= -2 && v < 3);
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.randint(3, 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.rand(java.util.random.RandomGenerator.getDefault(), DType.INT32, 1));
    }

    @Test
    void javaArraysRoundTrip() {
        float[][] m = {{1, 2, 3}, {4, 5, 6}};
        Tensor t = Tensor.fromNested(m);
        assertEquals(Shape.of(2, 3), t.shape());
        assertArrayEquals(m, (float[][]) t.toNestedArray());
        long[][][] l = {{{1, 2}}, {{3, 4}}};
        assertArrayEquals(l, (long[][][]) Tensor.fromNested(l).toNestedArray());
        assertEquals(DType.BOOL, Tensor.fromNested(new boolean[] {true}).dtype());
        assertEquals(3.5, Tensor.scalar(3.5, DType.FLOAT64).toNestedArray());
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, t.transpose().toIntArray());
        float[] data = {1, 2};
        Tensor copy = Tensor.of(data, 2);
        data[0] = 9;
        assertEquals(1.0, copy.get(0), "of() copies its input");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3)), "5", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.fromNested(new double[][] {{1, 2}, {3}})), "ragged");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.fromNested(new String[] {"a"})), "String");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1)), "negative");
    }

    @Test
    void printingElidesLikeNumPy() {
        assertEquals("tensor([1., 2.], shape=[2], dtype=float32)", Tensor.vector(1, 2).toString());
        assertEquals("tensor(3, shape=[], dtype=int64)", Tensor.scalar(3, DType.INT64).toString());
        assertEquals("tensor([ true, false], shape=[2], dtype=bool)", Tensor.of(new boolean[] {true, false}, 2).toString());
        assertEquals("tensor([   nan,    inf, 1.5000], shape=[3], dtype=float32)",
                Tensor.vector(Float.NaN, Float.POSITIVE_INFINITY, 1.5f).toString());
        String big = Tensor.arange(2000).toString();
        assertTrue(big.startsWith("tensor([   0,    1,    2, ..., 1997, 1998, 1999]"), big);
        assertTrue(Tensor.vector(1e-6f, 1).toString().contains("e-06"));
        assertEquals("tensor([], shape=[0], dtype=float32)", Tensor.zeros(0).toString());
    }

    @Test
    void equalityAndCloseness() {
        Tensor a = Tensor.vector(1, 2, Float.NaN);
        assertEquals(a, Tensor.vector(1, 2, Float.NaN), "equals treats NaN as equal to NaN");
        assertEquals(a.hashCode(), Tensor.vector(1, 2, Float.NaN).hashCode());
        assertNotEquals(a, a.to(DType.FLOAT64), "dtype is part of equality");
        Tensor b = Tensor.vector(1, 2.00001f, 3);
        assertTrue(Tensor.vector(1, 2, 3).allClose(b, 1e-4, 0));
        assertTrue(!Tensor.vector(1, 2, 3).allClose(b, 1e-7, 0));
        assertTrue(!a.allClose(a), "allClose: NaN is not close to NaN");
        assertTrue(!Tensor.vector(1).allClose(Tensor.vector(1, 1)));
    }
}

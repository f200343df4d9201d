package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongFunction;
import org.fluxion.tensor.DType;
import org.junit.jupiter.api.Test;

class SyntheticTest {
    private static void check(LongFunction<TensorDataset> make, int n, int features, int classes) {
        TensorDataset d = make.apply(3);
        assertArrayEquals(new int[] {n, features}, d.features().dims());
        assertEquals(DType.FLOAT32, d.features().dtype());
        assertEquals(DType.INT64, d.labels().dtype());
        int[] counts = new int[classes];
        for (long y : d.labels().toLongArray()) {
            counts[(int) y]++;
        }
        for (int c = 0; c < classes; c++) {
            assertEquals(n / classes + (c < n % classes ? 1 : 0), counts[c], "class " + c);
        }
        assertEquals(d, make.apply(3), "same seed, same data");
        assertNotEquals(d.features(), make.apply(4).features(), "another seed, other data");
        // Shuffled: the first tenth is not all one class.
        assertTrue(d.labels().slice(0, 0, n / 10).toLongArray().length > 0
                && d.labels().slice(0, 0, n / 10).max().item() != d.labels().slice(0, 0, n / 10).min().item());
    }

    @Test
    void shapesBalanceAndDeterminism() {
        check(s -> Synthetic.moons(101, 0.1, s), 101, 2, 2);
        check(s -> Synthetic.circles(200, 0.05, 0.5, s), 200, 2, 2);
        check(s -> Synthetic.blobs(150, 3, 1.0, s), 150, 2, 3);
        check(s -> Synthetic.blobs(90, 4, 5, 0.5, s), 90, 5, 4);
        check(s -> Synthetic.spirals(300, 3, 0.2, s), 300, 2, 3);
    }

    @Test
    void geometry() {
        // Without noise circles lie on radii 1 and factor.
        TensorDataset c = Synthetic.circles(40, 0, 0.3, 1);
        float[] x = c.features().toFloatArray();
        long[] y = c.labels().toLongArray();
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i] == 0 ? 1 : 0.3, Math.hypot(x[2 * i], x[2 * i + 1]), 1e-6);
        }
        // Moons without noise: the outer moon has y >= 0, the inner y <= 0.5.
        TensorDataset m = Synthetic.moons(50, 0, 1);
        float[] p = m.features().toFloatArray();
        long[] l = m.labels().toLongArray();
        for (int i = 0; i < l.length; i++) {
            assertTrue(l[i] == 0 ? p[2 * i + 1] >= -1e-6 : p[2 * i + 1] <= 0.5 + 1e-6);
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.moons(0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.moons(10, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.circles(10, 0, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 0, 1, 1));
    }
}

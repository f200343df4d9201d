package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ScalerTest {
    // Column 0 spans [1, 5], column 1 is constant, column 2 is far from zero.
    private final Tensor x = Tensor.of(new double[] {1, 7, 1000, 3, 7, 1002, 5, 7, 1004}, 3, 3);

    @Test
    void minMaxMapsEachFeatureToTheRange() {
        MinMaxScaler s = new MinMaxScaler();
        Tensor y = s.fitTransform(x);
        assertArrayEquals(new double[] {0, 0, 0, 0.5, 0, 0.5, 1, 0, 1}, y.toDoubleArray(), 1e-12);
        assertTrue(s.inverseTransform(y).allClose(x, 0, 1e-9));
        Tensor z = new MinMaxScaler(-1, 1).fitTransform(x);
        assertArrayEquals(new double[] {-1, -1, -1, 0, -1, 0, 1, -1, 1}, z.toDoubleArray(), 1e-12);
    }

    @Test
    void standardGivesZeroMeanUnitVariance() {
        StandardScaler s = new StandardScaler().fit(x);
        Tensor y = s.transform(x);
        double sd = Math.sqrt(8.0 / 3);
        assertArrayEquals(new double[] {-2 / sd, 0, -2 / sd, 0, 0, 0, 2 / sd, 0, 2 / sd}, y.toDoubleArray(), 1e-12);
        assertTrue(s.inverseTransform(y).allClose(x, 0, 1e-9));
        assertEquals(3, s.featureCount());
    }

    @Test
    void keepsFloat32() {
        Tensor f = x.to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, new StandardScaler().fitTransform(f).dtype());
    }

    @Test
    void errors() {
        StandardScaler s = new StandardScaler();
        assertTrue(assertThrows(IllegalStateException.class, () -> s.transform(x)).getMessage().contains("not fitted"));
        s.fit(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.transform(Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("3 features") && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.fit(Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> new MinMaxScaler().fit(Tensor.zeros(0, 2)));
        assertThrows(IllegalArgumentException.class, () -> new MinMaxScaler(1, 1));
    }
}

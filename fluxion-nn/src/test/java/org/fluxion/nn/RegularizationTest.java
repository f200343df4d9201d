package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** L1 and L2 penalties: selection, values, gradients. */
class RegularizationTest {
    @Test
    void weightsOnlySkipsBiasesAndNormScales() {
        var rng = new SplittableRandom(1);
        Sequential net = new Sequential(new Linear(3, 4, rng), new BatchNorm1d(4), new Linear(4, 2, rng));
        assertEquals(List.of("0.weight", "2.weight"), List.copyOf(Regularization.weights(net).keySet()));
    }

    @Test
    void valuesAndGradients() {
        Linear l = new Linear(2, 2, true, DType.FLOAT64, new SplittableRandom(2));
        var w = Regularization.weights(l);
        double[] v = l.weight().toDoubleArray();
        double sq = 0;
        double abs = 0;
        for (double d : v) {
            sq += d * d;
            abs += Math.abs(d);
        }
        assertEquals(0.1 * sq, Regularization.l2(w, 0.1).item(), 1e-6);
        assertEquals(0.1 * abs, Regularization.l1(w, 0.1).item(), 1e-6);
        Regularization.l2(w, 0.1).backward();
        assertTrue(l.weight().grad().allClose(l.weight().detach().mul(0.2), 1e-6, 1e-6));
        assertNull(l.bias().grad());
    }
}

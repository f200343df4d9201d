package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Clipping by value and by global norm (seed 000: norm 5.0). */
class GradientClippingTest {
    private static Map<String, Tensor> withGrads(double[] ga, double[] gb) {
        Tensor a = Tensor.zeros(org.fluxion.tensor.DType.FLOAT64, ga.length).requiresGrad(true);
        Tensor b = Tensor.zeros(org.fluxion.tensor.DType.FLOAT64, gb.length).requiresGrad(true);
        a.mul(Tensor.of(ga, ga.length)).sum().add(b.mul(Tensor.of(gb, gb.length)).sum()).backward();
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        return params;
    }

    @Test
    void globalNormScalesEverythingAndReturnsThePreClipNorm() {
        Map<String, Tensor> p = withGrads(new double[] {3, 4}, new double[] {12});
        assertEquals(13, GradientClipping.clipByGlobalNorm(p, 5.0), 1e-12);
        assertArrayEquals(new double[] {15 / 13.0, 20 / 13.0}, p.get("a").grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {60 / 13.0}, p.get("b").grad().toDoubleArray(), 1e-12);
        assertEquals(5, GradientClipping.globalNorm(p), 1e-12);
        // below the limit nothing changes
        assertEquals(5, GradientClipping.clipByGlobalNorm(p, 6.0), 1e-12);
        assertEquals(5, GradientClipping.globalNorm(p), 1e-12);
    }

    @Test
    void aliasedGradientsAreScaledOnce() {
        // backward hands the same cotangent to both operands of an addition
        Tensor a = Tensor.zeros(org.fluxion.tensor.DType.FLOAT64, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(org.fluxion.tensor.DType.FLOAT64, 2).requiresGrad(true);
        a.add(b).backward(Tensor.of(new double[] {3, 4}, 2));
        Map<String, Tensor> p = new LinkedHashMap<>(Map.of("a", a, "b", b));
        assertEquals(Math.sqrt(50), GradientClipping.clipByGlobalNorm(p, 1), 1e-12);
        double s = 1 / Math.sqrt(50);
        assertArrayEquals(new double[] {3 * s, 4 * s}, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {3 * s, 4 * s}, b.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void byValue() {
        Map<String, Tensor> p = withGrads(new double[] {3, -0.5}, new double[] {-12});
        GradientClipping.clipByValue(p, 1);
        assertArrayEquals(new double[] {1, -0.5}, p.get("a").grad().toDoubleArray(), 0);
        assertArrayEquals(new double[] {-1}, p.get("b").grad().toDoubleArray(), 0);
    }
}

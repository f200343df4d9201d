package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's first three updates against a scalar re-derivation of PyTorch's formulas, on
 * {@code L(p) = 0.5 sum c_i p_i^2} (gradient {@code c_i p_i}) from {@code p = [1, -2]}, {@code c = [1, 3]}.
 */
class OptimizersTest {
    private static final double[] C = {1, 3};
    private static final int STEPS = 3;

    /** One scalar update rule with its own state, applied to coordinate i. */
    interface Reference {
        double update(int i, double p, double g, int t);
    }

    private static Tensor param() {
        return Tensor.of(new double[] {1, -2}, 2).requiresGrad(true);
    }

    private static void backward(Tensor p) {
        p.zeroGrad();
        p.square().mul(Tensor.of(C, 2)).sum().mul(0.5).backward();
    }

    private static void check(Optimizer opt, Reference ref) {
        Tensor p = param();
        double[] expected = {1, -2};
        for (int t = 1; t <= STEPS; t++) {
            backward(p);
            opt.step(Map.of("w", p));
            for (int i = 0; i < 2; i++) {
                expected[i] = ref.update(i, expected[i], C[i] * expected[i], t);
            }
            assertArrayEquals(expected, p.toDoubleArray(), 1e-12, opt.getClass().getSimpleName() + " step " + t);
        }
    }

    @Test
    void sgd() {
        check(new Sgd(0.1), (i, p, g, t) -> p - 0.1 * g);
        // literal values of the first step: p - 0.1 * c p
        Tensor p = param();
        backward(p);
        new Sgd(0.1).step(Map.of("w", p));
        assertArrayEquals(new double[] {0.9, -1.4}, p.toDoubleArray(), 1e-12);
    }

    @Test
    void sgdMomentumDampeningWeightDecay() {
        double[] buf = new double[2];
        check(new Sgd(0.1, 0.9, 0.2, false, 0.01), (i, p, g, t) -> {
            double d = g + 0.01 * p;
            buf[i] = t == 1 ? d : 0.9 * buf[i] + 0.8 * d;
            return p - 0.1 * buf[i];
        });
    }

    @Test
    void sgdNesterov() {
        double[] buf = new double[2];
        check(new Sgd(0.1, 0.9, 0, true, 0.01), (i, p, g, t) -> {
            double d = g + 0.01 * p;
            buf[i] = t == 1 ? d : 0.9 * buf[i] + d;
            return p - 0.1 * (d + 0.9 * buf[i]);
        });
    }

    private static Reference adam(double lr, double wd, boolean decoupled) {
        double[] m = new double[2];
        double[] v = new double[2];
        return (i, p, g, t) -> {
            double q = p;
            if (decoupled) {
                q = p * (1 - lr * wd);
            } else {
                g += wd * p;
            }
            m[i] = 0.9 * m[i] + 0.1 * g;
            v[i] = 0.999 * v[i] + 0.001 * g * g;
            double mHat = m[i] / (1 - Math.pow(0.9, t));
            double vHat = v[i] / (1 - Math.pow(0.999, t));
            return q - lr * mHat / (Math.sqrt(vHat) + 1e-8);
        };
    }

    @Test
    void adamWithBiasCorrection() {
        check(new Adam(0.1), adam(0.1, 0, false));
        check(new Adam(0.1, 0.9, 0.999, 1e-8, 0.05), adam(0.1, 0.05, false));
        // the first bias-corrected step moves each coordinate by lr against the gradient's sign
        Tensor p = param();
        backward(p);
        new Adam(0.1).step(Map.of("w", p));
        assertArrayEquals(new double[] {0.9, -1.9}, p.toDoubleArray(), 1e-6);
    }

    /** The fused float32 kernel (large dense parameters) against the float64 tensor formulas. */
    @Test
    void fusedFloat32AdamMatchesTheTensorForm() {
        for (Supplier<Optimizer> make : java.util.List.<Supplier<Optimizer>>of(() -> new Adam(0.01),
                () -> new AdamW(0.01, 0.9, 0.999, 1e-8, 0.1), () -> new Adam(0.01, 0.8, 0.99, 1e-6, 0.02))) {
            Tensor p32 = Tensor.randn(5, 3, 40_000).requiresGrad(true);
            Tensor p64 = p32.detach().to(org.fluxion.tensor.DType.FLOAT64).requiresGrad(true);
            Tensor c = Tensor.rand(6, 3, 40_000);
            Optimizer fused = make.get();
            Optimizer reference = make.get();
            for (int t = 0; t < 3; t++) {
                p32.zeroGrad();
                p64.zeroGrad();
                p32.square().mul(c).sum().backward();
                p64.square().mul(c.to(org.fluxion.tensor.DType.FLOAT64)).sum().backward();
                fused.step(Map.of("w", p32));
                reference.step(Map.of("w", p64));
            }
            assertTrue(p32.allClose(p64.to(org.fluxion.tensor.DType.FLOAT32), 1e-5, 1e-6), fused.getClass().getSimpleName());
            assertTrue(fused.state().get("w.exp_avg_sq").to(org.fluxion.tensor.DType.FLOAT64)
                    .allClose(reference.state().get("w.exp_avg_sq"), 1e-4, 1e-9));
        }
    }

    @Test
    void adamWDecouplesWeightDecay() {
        check(new AdamW(0.1, 0.9, 0.999, 1e-8, 0.05), adam(0.1, 0.05, true));
    }

    @Test
    void rmsProp() {
        double[] v = new double[2];
        check(new RmsProp(0.01), (i, p, g, t) -> {
            v[i] = 0.99 * v[i] + 0.01 * g * g;
            return p - 0.01 * g / (Math.sqrt(v[i]) + 1e-8);
        });
        double[] v2 = new double[2];
        double[] b = new double[2];
        check(new RmsProp(0.01, 0.9, 1e-8, 0.01, 0.5), (i, p, g, t) -> {
            double d = g + 0.01 * p;
            v2[i] = 0.9 * v2[i] + 0.1 * d * d;
            b[i] = 0.5 * b[i] + d / (Math.sqrt(v2[i]) + 1e-8);
            return p - 0.01 * b[i];
        });
    }

    @Test
    void adagrad() {
        double[] s = {0.1, 0.1};
        check(new Adagrad(0.5, 0.1, 0.01, 0.1, 1e-10), (i, p, g, t) -> {
            double d = g + 0.01 * p;
            s[i] += d * d;
            return p - 0.5 / (1 + (t - 1) * 0.1) * d / (Math.sqrt(s[i]) + 1e-10);
        });
    }

    @Test
    void parametersWithoutGradientsAreSkipped() {
        Tensor p = param();
        new Adam(0.1).step(Map.of("w", p));
        assertArrayEquals(new double[] {1, -2}, p.toDoubleArray(), 0);
    }

    @Test
    void stateExportAndImportRoundTrip() {
        for (Supplier<Optimizer> make : java.util.List.<Supplier<Optimizer>>of(
                () -> new Sgd(0.1, 0.9, true), () -> new Adam(0.1), () -> new AdamW(0.1),
                () -> new RmsProp(0.01, 0.99, 1e-8, 0, 0.9), () -> new Adagrad(0.1))) {
            Optimizer a = make.get();
            Tensor pa = param();
            for (int t = 0; t < 2; t++) {
                backward(pa);
                a.step(Map.of("w", pa));
            }
            Map<String, Tensor> saved = a.state();
            assertTrue(saved.keySet().stream().allMatch(k -> k.startsWith("w.")), saved.keySet().toString());
            Optimizer b = make.get();
            b.loadState(saved);
            Tensor pb = pa.detach().copy().requiresGrad(true);
            backward(pa);
            backward(pb);
            a.step(Map.of("w", pa));
            b.step(Map.of("w", pb));
            assertArrayEquals(pa.toDoubleArray(), pb.toDoubleArray(), 0, a.getClass().getSimpleName());
            assertEquals(a.state().keySet(), b.state().keySet());
        }
        Adam adam = new Adam(0.1);
        Tensor p = param();
        backward(p);
        adam.step(Map.of("w", p));
        assertEquals(java.util.Set.of("w.step", "w.exp_avg", "w.exp_avg_sq"), adam.state().keySet());
        assertEquals(1, adam.state().get("w.step").item(), 0);
    }
}

package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Checks a layer's reverse-mode gradients against float64 central finite differences, in the manner of
 * core's GradCheck (HIPS autograd's {@code check_grads}): for the scalar {@code L = sum(f(x) * r)} with a
 * fixed random r, and for the input and every parameter T, {@code <dL/dT, v>} must equal
 * {@code (L(T + eps v) - L(T - eps v)) / 2 eps} for random directions v. Parameters are perturbed in place
 * under no-grad and restored.
 */
final class LayerGradCheck {
    private static final double EPS = 1e-6;
    private static final int DIRECTIONS = 3;

    private LayerGradCheck() {
    }

    /** Checks {@code layer.apply} at float64 {@code x} w.r.t. x and all of the layer's parameters. */
    static void check(Module layer, Tensor x, double tol) {
        check(layer.toString(), layer::apply, x, true, layer.parameters(), tol);
    }

    /**
     * Checks {@code f} w.r.t. {@code x} (when {@code wrtInput}) and {@code params}. {@code f} must be
     * deterministic (a Dropout check builds its layer with a fresh seeded generator on each call).
     */
    static void check(String name, Function<Tensor, Tensor> f, Tensor x, boolean wrtInput, Map<String, Tensor> params,
                      double tol) {
        Random rng = new Random(42);
        Tensor x0 = x.detach().copy();
        Tensor xg = wrtInput ? x0.copy().requiresGrad(true) : x0;
        Tensor y = f.apply(xg);
        Tensor r = randnLike(y, rng);
        for (Tensor p : params.values()) {
            assertEquals(DType.FLOAT64, p.dtype(), name + ": check in float64");
            p.zeroGrad();
        }
        y.mul(r).sum().backward();

        Map<String, Tensor> targets = new LinkedHashMap<>();
        if (wrtInput) {
            targets.put("input", xg);
        }
        targets.putAll(params);
        Tensor[] xHolder = {x0};
        Function<Tensor, Tensor> loss = in -> f.apply(in).mul(r).sum();
        for (var e : targets.entrySet()) {
            Tensor t = e.getValue();
            Tensor grad = t.grad();
            assertNotNull(grad, name + ": no gradient for " + e.getKey());
            assertArrayEquals(t.dims(), grad.dims(), name + ": gradient shape of " + e.getKey());
            Tensor saved = t.detach().copy();
            for (int k = 0; k < DIRECTIONS; k++) {
                Tensor v = randnLike(t, rng);
                double plus = perturbed(loss, t, saved, v, EPS, xHolder[0], t == xg);
                double minus = perturbed(loss, t, saved, v, -EPS, xHolder[0], t == xg);
                double numeric = (plus - minus) / (2 * EPS);
                double analytic = dot(grad, v);
                assertEquals(numeric, analytic, tol * (1 + Math.abs(numeric)),
                        name + ": d/d" + e.getKey() + " in direction " + k + " vs finite differences");
            }
        }
    }

    private static double perturbed(Function<Tensor, Tensor> loss, Tensor t, Tensor saved, Tensor v, double eps,
                                    Tensor x0, boolean isInput) {
        try (var scope = GradMode.noGrad()) {
            if (isInput) {
                return loss.apply(x0.add(v.mul(eps))).item();
            }
            t.copyFrom(saved.add(v.mul(eps)));
            double value = loss.apply(x0).item();
            t.copyFrom(saved);
            return value;
        }
    }

    static Tensor randnLike(Tensor x, Random rng) {
        double[] d = new double[x.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = rng.nextGaussian();
        }
        return Tensor.of(d, x.dims());
    }

    /** A float64 tensor of standard normal samples. */
    static Tensor randn(long seed, int... dims) {
        return Tensor.randn(new Random(seed), DType.FLOAT64, dims);
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}

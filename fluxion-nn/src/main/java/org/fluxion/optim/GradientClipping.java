package org.fluxion.optim;

import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.Tensor;

/**
 * Gradient clipping over the gradients of named parameters, called between {@code backward()} and
 * {@code optimizer.step(...)}. Gradients are replaced by new tensors rather than edited in place: a
 * gradient may share storage with another parameter's (backward hands the same cotangent to both
 * operands of an addition) or be a broadcast view.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Clamps every gradient element to {@code [-limit, limit]} (Keras's {@code clipvalue}). */
    public static void clipByValue(Map<String, Tensor> parameters, double limit) {
        if (!(limit >= 0)) {
            throw new IllegalArgumentException("clipByValue: limit must be >= 0, got " + limit);
        }
        for (Tensor p : parameters.values()) {
            Tensor g = p.grad();
            if (g != null) {
                replaceGrad(p, g.clamp(-limit, limit));
            }
        }
    }

    /**
     * The global L2 norm {@code n = sqrt(sum over all gradients of sum g^2)}, computed in float64.
     * Parameters without a gradient count as zero.
     */
    public static double globalNorm(Map<String, Tensor> parameters) {
        double sq = 0;
        for (Tensor p : parameters.values()) {
            Tensor g = p.grad();
            if (g != null) {
                for (double v : g.toDoubleArray()) {
                    sq += v * v;
                }
            }
        }
        return Math.sqrt(sq);
    }

    /**
     * Scales all gradients by {@code maxNorm / max(n, maxNorm)} (TensorFlow's {@code clip_by_global_norm},
     * seed 000 uses 5.0), so their directions are kept and their global norm is at most {@code maxNorm}.
     *
     * @return the global norm before clipping (to log, or to detect divergence)
     */
    public static double clipByGlobalNorm(Map<String, Tensor> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(parameters);
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            for (Tensor p : parameters.values()) {
                Tensor g = p.grad();
                if (g != null) {
                    replaceGrad(p, g.mul(scale));
                }
            }
        }
        return norm;
    }

    /** Sets {@code p.grad()} to {@code g}: cleared, then backward of the identity accumulates exactly g. */
    private static void replaceGrad(Tensor p, Tensor g) {
        try (var scope = GradMode.noGrad()) {
            p.zeroGrad();
            p.backward(g.detach());
        }
    }
}

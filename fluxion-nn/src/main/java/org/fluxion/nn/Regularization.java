package org.fluxion.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * L1 and L2 penalties as differentiable scalars to add to a loss:
 * {@code loss = Losses.crossEntropy(model.apply(x), y).add(Regularization.l2(Regularization.weights(model), 1e-4))}.
 *
 * <p>{@link #weights} selects what Keras's kernel regularizers and seed 003's {@code reg_lambda} cover:
 * parameters named {@code weight} of rank >= 2 (Linear and Conv kernels, embedding tables), not biases nor
 * normalization scales. Pass {@code module.parameters()} to penalize everything (PyTorch's weight decay).
 */
public final class Regularization {
    private Regularization() {
    }

    /** The weight matrices and kernels of {@code module} (see the class comment), by name. */
    public static Map<String, Tensor> weights(Module module) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : module.parameters().entrySet()) {
            String name = e.getKey();
            if ((name.equals("weight") || name.endsWith(".weight")) && e.getValue().rank() >= 2) {
                out.put(name, e.getValue());
            }
        }
        return out;
    }

    /** {@code lambda * sum_p sum |p|}. */
    public static Tensor l1(Map<String, Tensor> parameters, double lambda) {
        Tensor s = Tensor.scalar(0, DType.FLOAT32);
        for (Tensor p : parameters.values()) {
            s = s.add(p.abs().sum());
        }
        return s.mul(lambda);
    }

    /**
     * {@code lambda * sum_p sum p^2} (no factor 1/2, like Keras's {@code l2}; use {@code lambda / 2} for seed
     * 003's {@code reg_lambda / 2 * sum W^2}).
     */
    public static Tensor l2(Map<String, Tensor> parameters, double lambda) {
        Tensor s = Tensor.scalar(0, DType.FLOAT32);
        for (Tensor p : parameters.values()) {
            s = s.add(p.square().sum());
        }
        return s.mul(lambda);
    }
}

package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/**
 * Activation functions as differentiable tensor expressions (any shape, elementwise unless an axis is
 * given). {@link Activation} wraps each as a layer.
 */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Activations() {
    }

    /** {@code max(x, 0)}. */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** {@code x} for {@code x > 0}, else {@code slope x} (PyTorch's default slope is 0.01). */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Tensor.where(x.gt(0), x, x.mul(slope));
    }

    /**
     * {@code x} for {@code x > 0}, else {@code alpha (exp(x) - 1)}. The exponential sees {@code min(x, 0)}
     * so that the branch not taken cannot overflow (and poison the gradient with inf * 0).
     */
    public static Tensor elu(Tensor x, double alpha) {
        return Tensor.where(x.gt(0), x, x.minimum(0).expm1().mul(alpha));
    }

    /**
     * GELU, tanh approximation (PyTorch's {@code approximate='tanh'}, the original BERT/GPT-2 form):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. Within 1e-3 of the erf form
     * {@code x Phi(x)}; chosen because the tensor library has no erf primitive.
     */
    public static Tensor gelu(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(SQRT_2_OVER_PI);
        return x.mul(inner.tanh().add(1)).mul(0.5);
    }

    /** {@code 1 / (1 + exp(-x))}. */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** Softmax along {@code axis}, stable for large inputs. */
    public static Tensor softmax(Tensor x, int axis) {
        return x.softmax(axis);
    }

    /** Log-softmax along {@code axis}, stable for large inputs. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return x.logSoftmax(axis);
    }
}

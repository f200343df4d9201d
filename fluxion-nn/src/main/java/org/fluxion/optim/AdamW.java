package org.fluxion.optim;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), PyTorch's formula: before the Adam update,
 * {@code p *= 1 - lr wd}; the gradient itself is not decayed. Default weight decay 0.01.
 */
public final class AdamW extends Adam {
    /** Betas 0.9 and 0.999, eps 1e-8, weight decay 0.01 (PyTorch's defaults). */
    public AdamW(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8, 0.01);
    }

    public AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        super(learningRate, beta1, beta2, eps, weightDecay, true);
    }
}

package org.fluxion.optim;

import org.fluxion.tensor.Tensor;

/**
 * RMSProp, PyTorch's formulas (uncentered): {@code g = grad + wd p}, {@code v = alpha v + (1 - alpha) g^2},
 * then {@code p -= lr g / (sqrt(v) + eps)}, or with momentum {@code b = mu b + g / (sqrt(v) + eps)},
 * {@code p -= lr b}. State: {@code square_avg}, {@code momentum_buffer}.
 */
public final class RmsProp extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;

    /** alpha 0.99, eps 1e-8, no weight decay, no momentum (PyTorch's defaults). */
    public RmsProp(double learningRate) {
        this(learningRate, 0.99, 1e-8, 0, 0);
    }

    public RmsProp(double learningRate, double alpha, double eps, double weightDecay, double momentum) {
        super(learningRate);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
    }

    @Override
    protected void update(String name, Tensor p, Tensor grad) {
        Tensor g = weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
        Tensor v = state(name, "square_avg", p).mul(alpha).add(g.square().mul(1 - alpha));
        putState(name, "square_avg", v);
        Tensor direction = g.div(v.sqrt().add(eps));
        if (momentum != 0) {
            direction = state(name, "momentum_buffer", p).mul(momentum).add(direction);
            putState(name, "momentum_buffer", direction);
        }
        p.subInPlace(direction.mul(learningRate()));
    }
}

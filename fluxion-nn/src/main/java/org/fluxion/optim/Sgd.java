package org.fluxion.optim;

import org.fluxion.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, with
 * PyTorch's formulas: {@code g = grad + wd p}; {@code b = g} on the first step, then
 * {@code b = mu b + (1 - dampening) g}; the direction is {@code g + mu b} (Nesterov) or {@code b};
 * {@code p -= lr direction}. State: {@code momentum_buffer} when momentum is used.
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    /** Plain SGD. */
    public Sgd(double learningRate) {
        this(learningRate, 0, 0, false, 0);
    }

    /** SGD with momentum and optional Nesterov, no dampening, no weight decay. */
    public Sgd(double learningRate, double momentum, boolean nesterov) {
        this(learningRate, momentum, 0, nesterov, 0);
    }

    public Sgd(double learningRate, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(learningRate);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum requires momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(String name, Tensor p, Tensor grad) {
        Tensor g = weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
        if (momentum != 0) {
            Tensor b = state(name, "momentum_buffer");
            b = b == null ? g.copy() : b.mul(momentum).add(g.mul(1 - dampening));
            putState(name, "momentum_buffer", b);
            g = nesterov ? g.add(b.mul(momentum)) : b;
        }
        p.subInPlace(g.mul(learningRate()));
    }
}

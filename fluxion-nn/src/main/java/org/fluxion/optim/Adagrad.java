package org.fluxion.optim;

import org.fluxion.tensor.Tensor;

/**
 * Adagrad, PyTorch's formulas: {@code g = grad + wd p}, {@code s += g^2},
 * {@code p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(s) + eps)}. State: {@code sum}, {@code step}.
 */
public final class Adagrad extends Optimizer {
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulator;
    private final double eps;

    /** No decay, accumulator starting at 0, eps 1e-10 (PyTorch's defaults). */
    public Adagrad(double learningRate) {
        this(learningRate, 0, 0, 0, 1e-10);
    }

    public Adagrad(double learningRate, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        super(learningRate);
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulator = initialAccumulator;
        this.eps = eps;
    }

    @Override
    protected void update(String name, Tensor p, Tensor grad) {
        long t = nextStep(name);
        Tensor g = weightDecay == 0 ? grad : grad.add(p.mul(weightDecay));
        Tensor s = state(name, "sum");
        if (s == null) {
            s = Tensor.full(initialAccumulator, p.dtype(), p.dims());
        }
        s = s.add(g.square());
        putState(name, "sum", s);
        double lr = learningRate() / (1 + (t - 1) * lrDecay);
        p.subInPlace(g.div(s.sqrt().add(eps)).mul(lr));
    }
}

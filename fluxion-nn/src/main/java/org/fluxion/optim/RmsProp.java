package org.fluxion.optim;

import java.util.List;

/**
 * RMSProp, PyTorch's formulas (uncentered): {@code g = grad + wd p}, {@code v = alpha v + (1 - alpha) g^2},
 * then {@code p -= lr g / (sqrt(v) + eps)}, or with momentum {@code b = mu b + g / (sqrt(v) + eps)},
 * {@code p -= lr b}. State: {@code square_avg}, {@code momentum_buffer} (with momentum). Computed by
 * {@code chain(addDecayedWeights(wd), Transformations.rmsprop(lr, alpha, eps, momentum))}.
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

    /** The rate multiplies the final update. */
    @Override
    protected final boolean updatesScaleWithLearningRate() {
        return true;
    }

    @Override
    protected GradientTransformation transformation(double learningRate) {
        return GradientTransformation.chain(Transformations.addDecayedWeights(weightDecay),
                Transformations.rmsprop(learningRate, alpha, eps, momentum));
    }

    @Override
    protected List<String> stateSlots() {
        return momentum == 0 ? List.of("square_avg") : List.of("square_avg", "momentum_buffer");
    }
}

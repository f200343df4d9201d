package org.fluxion.optim;

import java.util.List;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, with
 * PyTorch's formulas: {@code g = grad + wd p}; {@code b = g} on the first step, then
 * {@code b = mu b + (1 - dampening) g}; the direction is {@code g + mu b} (Nesterov) or {@code b};
 * {@code p -= lr direction}. State: {@code momentum_buffer} when momentum is used (and {@code step} with
 * dampening). Computed by {@code chain(addDecayedWeights(wd), Transformations.sgd(lr, momentum, dampening,
 * nesterov))}.
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

    /** The rate multiplies the final update. */
    @Override
    protected final boolean updatesScaleWithLearningRate() {
        return true;
    }

    @Override
    protected GradientTransformation transformation(double learningRate) {
        return GradientTransformation.chain(Transformations.addDecayedWeights(weightDecay),
                Transformations.sgd(learningRate, momentum, dampening, nesterov));
    }

    @Override
    protected List<String> stateSlots() {
        return momentum == 0 ? List.of() : dampening == 0 ? List.of("momentum_buffer") : List.of("step", "momentum_buffer");
    }
}

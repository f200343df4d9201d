package org.fluxion.optim;

import java.util.List;

/**
 * Adagrad, PyTorch's formulas: {@code g = grad + wd p}, {@code s += g^2},
 * {@code p -= lr / (1 + (t - 1) lrDecay) * g / (sqrt(s) + eps)}. State: {@code sum}, {@code step}. Computed by
 * {@code chain(addDecayedWeights(wd), Transformations.adagrad(lr, lrDecay, initialAccumulator, eps))}.
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

    /** The rate multiplies the final update. */
    @Override
    protected final boolean updatesScaleWithLearningRate() {
        return true;
    }

    @Override
    protected GradientTransformation transformation(double learningRate) {
        return GradientTransformation.chain(Transformations.addDecayedWeights(weightDecay),
                Transformations.adagrad(learningRate, lrDecay, initialAccumulator, eps));
    }

    @Override
    protected List<String> stateSlots() {
        return List.of("sum", "step");
    }
}

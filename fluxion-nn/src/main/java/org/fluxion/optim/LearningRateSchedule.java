package org.fluxion.optim;

/**
 * A learning rate as a function of the step (0-based: the rate for the first update is {@code at(0)}).
 * Apply with {@code optimizer.setLearningRate(schedule.at(step))} before each step, or {@link #applyTo}.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The learning rate for step {@code step >= 0}. */
    double at(long step);

    /** Sets the optimizer's learning rate for {@code step}; returns it. */
    default double applyTo(Optimizer optimizer, long step) {
        double lr = at(step);
        optimizer.setLearningRate(lr);
        return lr;
    }

    /** Always {@code lr}. */
    static LearningRateSchedule constant(double lr) {
        return step -> lr;
    }

    /** {@code lr * gamma^floor(step / stepSize)} (PyTorch's StepLR). */
    static LearningRateSchedule step(double lr, long stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("step schedule: stepSize must be > 0, got " + stepSize);
        }
        return step -> lr * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }

    /** {@code lr * gamma^step} (PyTorch's ExponentialLR). */
    static LearningRateSchedule exponential(double lr, double gamma) {
        return step -> lr * Math.pow(gamma, step);
    }

    /**
     * Cosine annealing from {@code lr} to {@code minLr} over {@code totalSteps}, then {@code minLr}:
     * {@code minLr + (lr - minLr) (1 + cos(pi min(step, T) / T)) / 2} (PyTorch's CosineAnnealingLR, one cycle).
     */
    static LearningRateSchedule cosine(double lr, long totalSteps, double minLr) {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("cosine schedule: totalSteps must be > 0, got " + totalSteps);
        }
        return step -> minLr + (lr - minLr) * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps)) / 2;
    }

    /**
     * Linear warm-up over {@code warmupSteps}, then {@code after} (which starts at its own step 0): step
     * {@code s < warmupSteps} gets {@code after.at(0) * (s + 1) / warmupSteps}, so the first update is small
     * but not zero; step {@code s >= warmupSteps} gets {@code after.at(s - warmupSteps)}.
     */
    static LearningRateSchedule warmup(long warmupSteps, LearningRateSchedule after) {
        return step -> step < warmupSteps
                ? after.at(0) * (step + 1) / warmupSteps
                : after.at(step - warmupSteps);
    }
}

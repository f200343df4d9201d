package org.fluxion.optim;

import java.util.function.UnaryOperator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A learning rate as a function of the step (0-based: the rate for the first update is {@code at(0)}).
 * Apply with {@code optimizer.setLearningRate(schedule.at(step))} before each step, or {@link #applyTo}; in a
 * {@link GradientTransformation} ({@link Transformations#scaleBySchedule}) the step is the count tensor of the
 * optimizer state, read by {@link #at(Tensor)}, so that a compiled step does not depend on a Java number.
 *
 * <p>The schedules built here are written once, with tensor operations: {@link #at(long)} evaluates that
 * formula on a float64 scalar, {@link #at(Tensor)} on the count as it is (traced under {@code jit}).
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /** The learning rate for step {@code step >= 0}. */
    double at(long step);

    /**
     * The learning rate for a step count held in a scalar tensor (float64 in the optimizer states), as a scalar
     * of the same dtype. A schedule given as a Java lambda over {@code long} is evaluated on the count's value,
     * which only exists eagerly; the schedules of this interface's factories are tensor formulas that also
     * trace.
     *
     * @throws IllegalArgumentException when {@code step} is traced and this schedule is a Java function
     */
    default Tensor at(Tensor step) {
        if (step.isTraced()) {
            throw new IllegalArgumentException("LearningRateSchedule: this schedule is a Java function of a long step, "
                    + "but the step count is traced (jit); build it from LearningRateSchedule's factories, or "
                    + "override at(Tensor) with tensor operations");
        }
        return Tensor.scalar(at(Math.round(step.item())), step.dtype());
    }

    /** Sets the optimizer's learning rate for {@code step}; returns it. */
    default double applyTo(Optimizer optimizer, long step) {
        double lr = at(step);
        optimizer.setLearningRate(lr);
        return lr;
    }

    /** Always {@code lr}. */
    static LearningRateSchedule constant(double lr) {
        return of(step -> Tensor.scalar(lr, step.dtype()));
    }

    /** {@code lr * gamma^floor(step / stepSize)} (PyTorch's StepLR). */
    static LearningRateSchedule step(double lr, long stepSize, double gamma) {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("step schedule: stepSize must be > 0, got " + stepSize);
        }
        return of(step -> Tensor.scalar(gamma, step.dtype()).pow(floor(step.div(stepSize))).mul(lr));
    }

    /** {@code lr * gamma^step} (PyTorch's ExponentialLR). */
    static LearningRateSchedule exponential(double lr, double gamma) {
        return of(step -> Tensor.scalar(gamma, step.dtype()).pow(step).mul(lr));
    }

    /** {@code lr / (1 + decay step)} (Keras's InverseTimeDecay with one step per decay; Adagrad's lr decay). */
    static LearningRateSchedule inverseTime(double lr, double decay) {
        return of(step -> step.mul(decay).add(1).reciprocal().mul(lr));
    }

    /**
     * Cosine annealing from {@code lr} to {@code minLr} over {@code totalSteps}, then {@code minLr}:
     * {@code minLr + (lr - minLr) (1 + cos(pi min(step, T) / T)) / 2} (PyTorch's CosineAnnealingLR, one cycle).
     */
    static LearningRateSchedule cosine(double lr, long totalSteps, double minLr) {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("cosine schedule: totalSteps must be > 0, got " + totalSteps);
        }
        return of(step -> step.minimum(totalSteps).mul(Math.PI / totalSteps).cos().add(1)
                .mul((lr - minLr) / 2).add(minLr));
    }

    /**
     * Linear warm-up over {@code warmupSteps}, then {@code after} (which starts at its own step 0): step
     * {@code s < warmupSteps} gets {@code after.at(0) * (s + 1) / warmupSteps}, so the first update is small
     * but not zero; step {@code s >= warmupSteps} gets {@code after.at(s - warmupSteps)}.
     */
    static LearningRateSchedule warmup(long warmupSteps, LearningRateSchedule after) {
        return of(step -> {
            Tensor warm = after.at(step.mul(0)).mul(step.add(1)).div(warmupSteps);
            // after is evaluated at max(s - W, 0) on both branches: a Java schedule need not accept negative steps
            Tensor later = after.at(step.sub(warmupSteps).maximum(0));
            return Tensor.where(step.lt(warmupSteps), warm, later);
        });
    }

    /** A schedule given by its tensor formula of the step count, evaluated in float64 for {@link #at(long)}. */
    static LearningRateSchedule of(UnaryOperator<Tensor> formula) {
        return new LearningRateSchedule() {
            @Override
            public double at(long step) {
                return formula.apply(Tensor.scalar(step, DType.FLOAT64)).item();
            }

            @Override
            public Tensor at(Tensor step) {
                return formula.apply(step);
            }
        };
    }

    /** {@code floor(x)} for {@code x >= 0}: a cast to int64 truncates toward zero (there is no floor primitive). */
    private static Tensor floor(Tensor x) {
        return x.to(DType.INT64).to(x.dtype());
    }
}

package org.fluxion.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A gradient-based optimizer. The model holds only its parameters; everything the optimizer remembers
 * (momentum buffers, moment estimates, step counts) lives here, keyed by parameter name, so one model can
 * be trained by several optimizers and a checkpoint can save both sides.
 *
 * <p>{@link #step(Map)} reads each parameter's {@code grad()} (parameters without a gradient are skipped,
 * like PyTorch) and updates the parameter in place under {@link GradMode#noGrad()}. State entries are
 * named {@code <parameter>.<slot>}, e.g. {@code 0.weight.exp_avg} or {@code 0.weight.step} (a scalar).
 */
public abstract class Optimizer {
    private double learningRate;
    private final Map<String, Tensor> state = new LinkedHashMap<>();

    protected Optimizer(double learningRate) {
        setLearningRate(learningRate);
    }

    /** Updates every parameter that has a gradient, from its {@code grad()}. */
    public final void step(Map<String, Tensor> parameters) {
        try (var scope = GradMode.noGrad()) {
            for (var e : parameters.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (g != null) {
                    update(e.getKey(), p, g.to(p.dtype()));
                }
            }
        }
    }

    /**
     * Updates one parameter in place given its gradient (same dtype). Runs under no-grad; implementations
     * read and write their state with {@link #state(String, String, Tensor)} and {@link #putState}.
     */
    protected abstract void update(String name, Tensor parameter, Tensor gradient);

    /** The current learning rate. */
    public final double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate used by the next steps (what a {@link LearningRateSchedule} drives). */
    public final void setLearningRate(double learningRate) {
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be >= 0, got "
                    + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** The state slot of a parameter, or null before its first step. */
    protected final Tensor state(String name, String slot) {
        return state.get(name + "." + slot);
    }

    /** The state slot of a parameter, zeros shaped like {@code like} before its first step. */
    protected final Tensor state(String name, String slot, Tensor like) {
        Tensor t = state.get(name + "." + slot);
        return t != null ? t : Tensor.zeros(like.dtype(), like.dims());
    }

    protected final void putState(String name, String slot, Tensor value) {
        state.put(name + "." + slot, value);
    }

    /** Increments and returns the parameter's step count (1 on its first step), kept as a float64 scalar. */
    protected final long nextStep(String name) {
        Tensor t = state(name, "step");
        long step = (t == null ? 0 : Math.round(t.item())) + 1;
        putState(name, "step", Tensor.scalar(step, DType.FLOAT64));
        return step;
    }

    /** A copy of the whole state, by entry name, for checkpoints. */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** Replaces the whole state with a copy of {@code saved} (as returned by {@link #state()}). */
    public final void loadState(Map<String, Tensor> saved) {
        state.clear();
        saved.forEach((k, v) -> state.put(k, v.detach().copy()));
    }
}

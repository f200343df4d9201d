package org.fluxion.train;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.autodiff.GradMode;
import org.fluxion.autodiff.Tree;
import org.fluxion.data.Batch;
import org.fluxion.models.Layer;
import org.fluxion.models.Layers;
import org.fluxion.nn.Module;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Optimizer;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Steps of a {@link TrainStep} (compiled, or eager where tracing failed) over a {@link TrainState}. When the
 * trainer was given a module and an optimizer, they are its view: the optimizer's current learning rate (after
 * the schedule) enters each step as a tensor, and {@link #sync} writes the parameters, buffers and optimizer
 * state back into them.
 */
final class CompiledEngine<M extends Layer> implements Engine {
    private final TrainStep<M> trainStep;
    private TrainState<M> state;
    private final Module module;
    private final Optimizer optimizer;
    private final List<String> names;
    private final LearningRateSchedule schedule;
    /** Training steps run since the module was last brought up to date. */
    private long stepsSinceSync;

    /** An engine over layers as data and a transformation. */
    CompiledEngine(TrainStep<M> trainStep, TrainState<M> state) {
        this(trainStep, state, null, null, null);
    }

    /** An engine that keeps {@code module} and {@code optimizer} (whose rate {@code schedule} sets) in step. */
    CompiledEngine(TrainStep<M> trainStep, TrainState<M> state, Module module, Optimizer optimizer,
                   LearningRateSchedule schedule) {
        this.trainStep = trainStep;
        // the steps consume their state (donation): the engine owns copies, not the user's tensors
        this.state = owned(state);
        this.module = module;
        this.optimizer = optimizer;
        this.names = module == null ? null : new ArrayList<>(module.parameters().keySet());
        this.schedule = schedule;
    }

    @Override
    public Step step(Batch batch, long step) {
        if (optimizer != null) {
            if (schedule != null) {
                schedule.applyTo(optimizer, step);
            }
            state = new TrainState<>(state.model(), withRate(state.optimizerState(), optimizer.learningRate()), state.key());
        }
        TrainStep.Result<M> r = trainStep.apply(state, batch.features(), batch.labels());
        state = r.state();
        stepsSinceSync++;
        return new Step(r.loss().item(), r.output());
    }

    /** Layers as data keep nothing: a step returns the state, the loss and the output. */
    @Override
    public boolean keepsBatches() {
        return false;
    }

    @Override
    public Tensor predict(Tensor features) {
        return trainStep.predict(state.model(), features);
    }

    @Override
    public void sync() {
        if (module != null) {
            Layers.copyInto(state.model(), module);
            // Each compiled step was one training batch for every BatchNorm of the module.
            try (var noGrad = GradMode.noGrad()) {
                for (var e : module.buffers().entrySet()) {
                    if (e.getKey().endsWith("num_batches_tracked")) {
                        e.getValue().addInPlace(Tensor.scalar(stepsSinceSync, DType.INT64));
                    }
                }
            }
            stepsSinceSync = 0;
            // copies: the next step overwrites the state it is given
            optimizer.loadFunctionalState(names, Tree.map(find(state.optimizerState()), Tensor::copy));
        }
    }

    /**
     * Takes the module's and the optimizer's current values as the state (a new fit may follow changes made to
     * them, such as a loaded checkpoint); the key goes on. Nothing to do over layers as data.
     */
    @SuppressWarnings("unchecked")
    void reload() {
        if (module != null) {
            Object opt = withOptimizerState(state.optimizerState(), optimizer.functionalState(module.parameters()));
            state = owned(new TrainState<>((M) Layers.of(module), opt, state.key()));
        }
    }

    private static Object withOptimizerState(Object s, Optimizer.FunctionalState replacement) {
        if (s instanceof Optimizer.FunctionalState) {
            return replacement;
        }
        if (s instanceof List<?> l) {
            return l.stream().map(e -> withOptimizerState(e, replacement)).toList();
        }
        return s;
    }

    private static <T> T owned(T state) {
        return Tree.map(state, Tensor::copy);
    }

    TrainState<M> state() {
        return state;
    }

    TrainStep<M> trainStep() {
        return trainStep;
    }

    /** The optimizer's state inside a chain's (a clipping transformation may come first) with a new rate. */
    private static Object withRate(Object s, double rate) {
        if (s instanceof Optimizer.FunctionalState f) {
            return f.withLearningRate(rate);
        }
        if (s instanceof List<?> l) {
            return l.stream().map(e -> withRate(e, rate)).toList();
        }
        return s;
    }

    private static Optimizer.FunctionalState find(Object s) {
        if (s instanceof Optimizer.FunctionalState f) {
            return f;
        }
        if (s instanceof List<?> l) {
            for (Object e : l) {
                Optimizer.FunctionalState f = find(e);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }
}

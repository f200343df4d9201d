package org.fluxion.train;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.nn.Module;
import org.fluxion.optim.GradientClipping;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Optimizer;
import org.fluxion.tensor.Tensor;

/**
 * The PyTorch loop on the module's tape: zero the gradients, forward, loss (plus regularization), backward,
 * clip, set the scheduled rate, optimizer step. The module and optimizer are updated in place.
 */
final class EagerEngine implements Engine {
    private final Module model;
    private final Optimizer optimizer;
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final double clipNorm;
    private final LearningRateSchedule schedule;
    private final Function<Module, Tensor> regularization;
    private final Map<String, Tensor> parameters;

    EagerEngine(Module model, Optimizer optimizer, BiFunction<Tensor, Tensor, Tensor> loss, double clipNorm,
                LearningRateSchedule schedule, Function<Module, Tensor> regularization) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.clipNorm = clipNorm;
        this.schedule = schedule;
        this.regularization = regularization;
        this.parameters = model.parameters();
    }

    @Override
    public Step step(Batch batch, long step) {
        model.train();
        model.zeroGrad();
        Tensor out = model.apply(batch.features());
        Tensor value = loss.apply(out, batch.labels());
        if (regularization != null) {
            value = value.add(regularization.apply(model));
        }
        value.backward();
        if (!Double.isNaN(clipNorm)) {
            GradientClipping.clipByGlobalNorm(parameters, clipNorm);
        }
        if (schedule != null) {
            schedule.applyTo(optimizer, step);
        }
        optimizer.step(parameters);
        return new Step(value.item(), out.detach());
    }

    @Override
    public Tensor predict(Tensor features) {
        model.eval();
        try (var noGrad = GradMode.noGrad()) {
            return model.apply(features);
        } finally {
            model.train();
        }
    }

    @Override
    public void sync() {
        // the module and the optimizer are the state
    }
}

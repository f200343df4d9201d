package org.fluxion.spark;

import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.models.Context;
import org.fluxion.models.Layer;
import org.fluxion.tensor.Tensor;

/**
 * A model's output in inference mode, compiled once per batch shape and reused for every batch (eager when the
 * model cannot be traced).
 *
 * @param <M> the model's type
 */
public final class Inference<M extends Layer> {
    private record Input<M extends Layer>(M model, Tensor features) {
    }

    private final Jitted<Input<M>, Tensor> plan = Jit.jit(in -> in.model().apply(in.features(), Context.inference())
            .output(), 4);
    private boolean compiled = true;

    /** {@code model}'s output for {@code features} ({@code [N, ...]} in, {@code [N, ...]} out). */
    public Tensor apply(M model, Tensor features) {
        if (compiled) {
            try {
                return plan.apply(new Input<>(model, features));
            } catch (RuntimeException e) {
                compiled = false;
            }
        }
        return model.apply(features, Context.inference()).output();
    }
}

package org.fluxion.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.models.Applied;
import org.fluxion.models.Context;
import org.fluxion.models.Layer;
import org.fluxion.models.Models;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.tensor.Tensor;

/**
 * A training step cut at the all-reduce (the single-process {@code TrainStep} is one plan): {@link #gradients}
 * runs forward, loss and backward on a worker's shard of the global batch, compiled; the caller sums the
 * gradients over the workers; {@link #update} applies the optimizer to the averaged gradients, compiled too.
 * Each half is traced once per batch shape. A model whose code cannot be traced runs eagerly, with one line
 * on stderr saying why.
 *
 * @param <M> the model's type
 */
public final class ReplicaStep<M extends Layer> {
    /** The gradient half's inputs. */
    public record GradInput<M extends Layer>(M model, Tensor features, Tensor labels, Tensor key) {
    }

    /**
     * The gradient half's outputs.
     *
     * @param loss   the mean loss over the shard's batch, a scalar
     * @param grads  the gradient of that loss for each of {@link Models#parameters}, in order
     * @param output the model's output for the batch
     * @param layer  the model after the pass (the state its layers returned, such as running statistics)
     */
    public record GradOutput<M extends Layer>(Tensor loss, List<Tensor> grads, Tensor output, M layer) {
    }

    /** The update half's inputs: parameters, optimizer state, averaged gradients. */
    public record UpdateInput(List<Tensor> params, Object optimizerState, List<Tensor> grads) {
    }

    /** The update half's outputs: new parameters and optimizer state. */
    public record UpdateOutput(List<Tensor> params, Object optimizerState) {
    }

    private final GradientTransformation optimizer;
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final Jitted<GradInput<M>, GradOutput<M>> gradients;
    private final Jitted<UpdateInput, UpdateOutput> update;
    private boolean compiled;

    /** The step of {@code optimizer} on {@code loss(output, labels)}, compiled when {@code compile}. */
    public ReplicaStep(GradientTransformation optimizer, BiFunction<Tensor, Tensor, Tensor> loss, boolean compile) {
        this.optimizer = optimizer;
        this.loss = loss;
        this.gradients = Jit.jit(this::eagerGradients, 4);
        this.update = Jit.jit(this::eagerUpdate, 4);
        this.compiled = compile;
    }

    /** Forward, loss and backward on one batch (compiled unless tracing failed). */
    public GradOutput<M> gradients(M model, Tensor features, Tensor labels, Tensor key) {
        GradInput<M> in = new GradInput<>(model, features, labels, key);
        if (compiled) {
            try {
                return gradients.apply(in);
            } catch (RuntimeException e) {
                GradOutput<M> r = eagerGradients(in); // a mistake in the model fails here, with its own message
                compiled = false;
                System.err.println("ReplicaStep: the gradient step cannot be compiled (" + e + "); running eagerly");
                return r;
            }
        }
        return eagerGradients(in);
    }

    /** The optimizer's update with the averaged gradients (compiled unless tracing failed). */
    public UpdateOutput update(List<Tensor> params, Object optimizerState, List<Tensor> grads) {
        UpdateInput in = new UpdateInput(params, optimizerState, grads);
        return compiled ? update.apply(in) : eagerUpdate(in);
    }

    /** The optimizer's initial state for {@code model}'s parameters. */
    public Object init(M model) {
        return optimizer.init(Models.parameters(model));
    }

    /** True while both halves run compiled. */
    public boolean isCompiled() {
        return compiled;
    }

    @SuppressWarnings("unchecked")
    private GradOutput<M> eagerGradients(GradInput<M> in) {
        M model = in.model();
        Context context = Context.train(in.key());
        Applied[] pass = new Applied[1];
        var vg = Functional.treeValueAndGrad((List<Tensor> p) -> {
            pass[0] = Models.withParameters(model, p).apply(in.features(), context);
            return loss.apply(pass[0].output(), in.labels());
        }).apply(Models.parameters(model));
        return new GradOutput<>(vg.value().detach(), new ArrayList<>(vg.grad()), pass[0].output().detach(),
                (M) pass[0].layer());
    }

    private UpdateOutput eagerUpdate(UpdateInput in) {
        GradientTransformation.Update<List<Tensor>> u = optimizer.update(in.grads(), in.optimizerState(), in.params());
        return new UpdateOutput(GradientTransformation.applyUpdates(in.params(), u.updates()), u.state());
    }
}

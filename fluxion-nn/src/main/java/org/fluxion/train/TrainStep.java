package org.fluxion.train;

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
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * One training step as a pure function (JAX's {@code train_step}): forward pass in training mode with the
 * state's key, loss, gradient with respect to the model's parameters ({@link Models#parameters}), optimizer
 * update, new model (parameters, and the state its layers returned, such as running statistics), next key.
 * {@link #apply} runs it compiled by {@code jit} (traced once per batch shape, then one plan for forward,
 * backward and update), or eagerly when the model's code cannot be traced: the first failure to trace is
 * reported once on stderr, with its reason, and every later step runs eagerly.
 *
 * <p><b>The state is consumed.</b> A compiled step writes the new parameters and optimizer state into the
 * storages of the old ones (donation, as {@code jax.jit(..., donate_argnums)}): after {@code apply(state, ...)},
 * use the returned state; the tensors of {@code state} hold arbitrary values.
 *
 * @param <M> the model's type
 */
public final class TrainStep<M extends Layer> {
    /** The step's inputs: the training state and one batch. */
    public record Input<M extends Layer>(TrainState<M> state, Tensor features, Tensor labels) {
    }

    /**
     * What a step returns.
     *
     * @param state  the training state after the step
     * @param loss   the batch's loss (before the update), a scalar
     * @param output the model's output for the batch (before the update), without gradient
     */
    public record Result<M extends Layer>(TrainState<M> state, Tensor loss, Tensor output) {
    }

    private final GradientTransformation optimizer;
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final Jitted<Input<M>, Result<M>> compiled;
    private final Jitted<Input<M>, Tensor> predict;
    private volatile String eagerReason;
    private long compileNanos;

    /**
     * A step of {@code optimizer} on {@code loss(output, labels)}; compiled when {@code compile}.
     */
    public TrainStep(GradientTransformation optimizer, BiFunction<Tensor, Tensor, Tensor> loss, boolean compile) {
        this.optimizer = optimizer;
        this.loss = loss;
        // the state is donated: parameters and optimizer moments are updated where they are
        this.compiled = Jit.jit(this::eager, 8).donating(Input::state);
        this.predict = Jit.jit(in -> in.state().model().apply(in.features(), Context.inference()).output(), 8);
        this.eagerReason = compile ? null : "compilation was turned off";
    }

    /** The state to start from: {@code model}, the optimizer's initial state for its parameters, key {@code seed}. */
    public TrainState<M> init(M model, long seed) {
        return new TrainState<>(model, optimizer.init(Models.parameters(model)), Context.key(seed));
    }

    /** The step: compiled, or eager once compiling failed (see the class comment). */
    public Result<M> apply(TrainState<M> state, Tensor features, Tensor labels) {
        Input<M> in = new Input<>(state, features, labels);
        if (eagerReason == null) {
            try {
                int traces = compiled.traceCount();
                Result<M> r = compiled.apply(in);
                if (compiled.traceCount() != traces) {
                    compileNanos += compiled.lastTraceNanos() + compiled.lastCompileNanos();
                }
                return r;
            } catch (RuntimeException e) {
                Result<M> r = eager(in); // a mistake in the model fails here too, with its own message
                eagerReason = describe(e);
                System.err.println("TrainStep: the training step cannot be compiled (" + eagerReason
                        + "); running it eagerly");
                return r;
            }
        }
        return eager(in);
    }

    /** The model's output in inference mode, compiled unless the step runs eagerly. */
    public Tensor predict(M model, Tensor features) {
        Input<M> in = new Input<>(new TrainState<>(model, null, null), features, null);
        if (eagerReason == null) {
            try {
                return predict.apply(in);
            } catch (RuntimeException e) {
                // inference may fail to trace where training did not (a layer branching on a value): run it now
                return model.apply(features);
            }
        }
        return model.apply(features);
    }

    /** True while steps run compiled. */
    public boolean isCompiled() {
        return eagerReason == null;
    }

    /** Why steps run eagerly, or null while they run compiled. */
    public String eagerReason() {
        return eagerReason;
    }

    /** Time spent tracing and compiling the step so far (every batch shape), in nanoseconds. */
    public long compileNanos() {
        return compileNanos;
    }

    /** The compiled step, for inspection (its graph, profile, trace and compile times). */
    public Jitted<Input<M>, Result<M>> compiled() {
        return compiled;
    }

    /** The step itself, run eagerly (what {@link #compiled} traces). */
    @SuppressWarnings("unchecked")
    public Result<M> eager(Input<M> in) {
        TrainState<M> s = in.state();
        M model = s.model();
        Context context = Context.train(s.key());
        Applied[] pass = new Applied[1];
        var vg = Functional.treeValueAndGrad((List<Tensor> p) -> {
            pass[0] = Models.withParameters(model, p).apply(in.features(), context);
            return loss.apply(pass[0].output(), in.labels());
        }).apply(Models.parameters(model));
        List<Tensor> params = Models.parameters(model);
        GradientTransformation.Update<List<Tensor>> u = optimizer.update(vg.grad(), s.optimizerState(), params);
        List<Tensor> next = GradientTransformation.applyUpdates(params, u.updates());
        // the layers after the pass carry the new state (running statistics); their parameters are replaced
        M after = Models.withParameters((M) pass[0].layer(), next);
        Tensor key = s.key().add(1).to(DType.INT64);
        return new Result<>(new TrainState<>(after, u.state(), key), vg.value().detach(), pass[0].output().detach());
    }

    private static String describe(RuntimeException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }
}

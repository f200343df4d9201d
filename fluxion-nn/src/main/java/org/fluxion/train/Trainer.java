package org.fluxion.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.data.DataLoader;
import org.fluxion.models.Context;
import org.fluxion.models.Layer;
import org.fluxion.models.Layers;
import org.fluxion.nn.Module;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Optimizer;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.Tensor;

/**
 * The training loop (Keras's {@code fit}): for each epoch, one optimizer step per batch of the
 * training loader, then an evaluation on the validation loader, with callbacks, a progress bar, one
 * summary line per epoch ({@link EpochSummary}), optional gradient clipping by global norm, a
 * learning-rate schedule per step and a regularization term added to the loss.
 *
 * <p>The loss function takes the model's output and the batch labels and returns a scalar. When the
 * output is {@code [B, C]} scores and the labels are integer classes {@code [B]}, accuracy is reported
 * too ({@link History#TRAIN_ACCURACY}, {@link History#VAL_ACCURACY}).
 *
 * <p><b>The compiled step.</b> By default the whole step (forward, loss, backward, optimizer update) runs as
 * one function compiled by {@code jit} ({@link TrainStep}). A model given as an {@code org.fluxion.nn.Module}
 * trains through its functional form ({@link Layers#of}) with its optimizer's functional form
 * ({@link Optimizer#asTransformation}); the module and the optimizer are brought up to date at the end of every
 * epoch (before validation and the callbacks' {@code onEpochEnd}) and of training. The trainer runs the eager
 * loop instead, saying why once on stderr, when the model has no functional form, a regularization term over
 * the module is set, the optimizer has no functional form, or the model's code cannot be traced;
 * {@link #compile(boolean)} turns compilation off.
 */
public final class Trainer {
    /**
     * Loss, accuracy (NaN when not a classification) and user metrics ({@link #metrics}, by name) of a
     * model over a loader.
     */
    public record Evaluation(double loss, double accuracy, Map<String, Double> metrics) {
        public Evaluation {
            metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        /** Without user metrics. */
        public Evaluation(double loss, double accuracy) {
            this(loss, accuracy, Map.of());
        }
    }

    private final Module model;
    private final Optimizer optimizer;
    private final Layer layerModel;
    private final GradientTransformation transformation;
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final List<Callback> callbacks = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private double clipNorm = Double.NaN;
    private LearningRateSchedule schedule;
    private Function<Module, Tensor> regularization;
    private boolean progress = true;
    private PrintStream epochLog = System.out;
    private long step;
    private boolean compile = true;
    private long seed;
    private Engine engine;

    /** A trainer of {@code model} by {@code optimizer} on {@code loss(output, labels)}. */
    public Trainer(Module model, Optimizer optimizer, BiFunction<Tensor, Tensor, Tensor> loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.layerModel = null;
        this.transformation = null;
        this.loss = loss;
    }

    /**
     * A trainer of a model as data by a pure optimizer ({@code Transformations.adam(1e-3)}, a chain with
     * clipping and schedules) on {@code loss(output, labels)}; {@link #trainedModel()} gives the model after
     * training.
     */
    public Trainer(Layer model, GradientTransformation optimizer, BiFunction<Tensor, Tensor, Tensor> loss) {
        this.model = null;
        this.optimizer = null;
        this.layerModel = model;
        this.transformation = optimizer;
        this.loss = loss;
    }

    /** Compiles the training step (default true); false runs the eager loop. */
    public Trainer compile(boolean compile) {
        reconfigured("compile");
        this.compile = compile;
        return this;
    }

    /** The seed of the random key of the compiled step (dropout masks); default 0. */
    public Trainer seed(long seed) {
        reconfigured("seed");
        this.seed = seed;
        return this;
    }

    /** True when training runs the compiled step (known once {@link #fit} has started). */
    public boolean isCompiled() {
        return engine instanceof CompiledEngine<?> c && c.trainStep().isCompiled();
    }

    /** The training step when training runs through one ({@link #isCompiled} or its eager fallback), else null. */
    public TrainStep<?> trainStep() {
        return engine instanceof CompiledEngine<?> c ? c.trainStep() : null;
    }

    /**
     * The model as data after the steps run so far (with its running statistics), for a trainer of layers as
     * data or a module trained through the compiled step; null before {@link #fit} or when training eagerly.
     */
    public Layer trainedModel() {
        // a copy: the next step of a later fit consumes the engine's own state
        return engine instanceof CompiledEngine<?> c ? org.fluxion.autodiff.Tree.map(c.state().model(), Tensor::copy) : null;
    }

    /**
     * A setting changed: a module's engine is built again at the next fit (from the module and optimizer, which
     * every epoch's end brought up to date); layers as data keep their state in the engine, so their settings
     * come before the first fit.
     */
    private void reconfigured(String setting) {
        if (engine != null && model == null) {
            throw new IllegalStateException(setting + ": set it before the first fit of a trainer of layers as data");
        }
        engine = null;
    }


    /** Clips the gradients to this global L2 norm before each step (seed 000 uses 5.0). */
    public Trainer clipGradientNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradientNorm: max norm must be > 0, got " + maxNorm);
        }
        reconfigured("clipGradientNorm");
        this.clipNorm = maxNorm;
        return this;
    }

    /** Sets the optimizer's learning rate from {@code schedule} before every step. */
    public Trainer schedule(LearningRateSchedule schedule) {
        reconfigured("schedule");
        this.schedule = schedule;
        return this;
    }

    /** Adds {@code penalty(model)} (e.g. an L2 term) to every training loss. */
    public Trainer regularization(Function<Module, Tensor> penalty) {
        reconfigured("regularization");
        this.regularization = penalty;
        return this;
    }

    /**
     * Adds metrics computed on every batch and logged after each epoch under their names (training) and
     * {@code val_}names (validation), after the loss and accuracy.
     *
     * @throws IllegalArgumentException when a name is taken (by {@code loss}, {@code accuracy} or another metric)
     */
    public Trainer metrics(Metric... more) {
        for (Metric m : more) {
            String name = m.name();
            boolean taken = name.equals(History.TRAIN_LOSS) || name.equals(History.TRAIN_ACCURACY)
                    || name.startsWith("val_") || metrics.stream().anyMatch(other -> other.name().equals(name));
            if (taken) {
                throw new IllegalArgumentException("Trainer.metrics: the name '" + name + "' is taken or reserved"
                        + " (loss, accuracy, val_*, or an earlier metric)");
            }
            metrics.add(m);
        }
        return this;
    }

    /** Adds callbacks, called in the order given. */
    public Trainer callbacks(Callback... more) {
        callbacks.addAll(List.of(more));
        return this;
    }

    /**
     * Shows a progress bar with ETA and running loss on stderr, then the validation's progress (default
     * true).
     */
    public Trainer progress(boolean show) {
        this.progress = show;
        return this;
    }

    /**
     * Where the one line per epoch goes ({@link EpochSummary}: the epoch's time and its metrics), with or
     * without the progress bar; {@code null} prints none. Default {@code System.out}.
     */
    public Trainer epochLog(PrintStream out) {
        this.epochLog = out;
        return this;
    }

    /**
     * Trains for {@code epochs} epochs (fewer if a callback stops it) and returns the history of the
     * per-epoch metrics. {@code validation} may be null. A callback that asks to stop after a batch
     * ends that epoch at once: it gets {@code onEpochEnd} with the training logs of the batches run, no
     * validation, and training ends.
     */
    public History fit(DataLoader train, DataLoader validation, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("fit: epochs must be >= 1, got " + epochs);
        }
        History history = new History();
        CallbackList all = CallbackList.of(listWith(history, epochs, validation != null));
        if (engine == null) {
            engine = engine();
        } else if (engine instanceof CompiledEngine<?> c) {
            c.reload();
        }
        all.onTrainBegin();
        for (int epoch = 0; epoch < epochs; epoch++) {
            all.onEpochBegin(epoch);
            Map<String, Double> logs = new LinkedHashMap<>();
            boolean stoppedInEpoch;
            try (ProgressBar bar = progress ? ProgressBar.create("epoch " + (epoch + 1) + "/" + epochs,
                    train.batchCount()) : null) {
                Evaluation trained = trainEpoch(train, bar, all);
                engine.sync();
                // A callback that stopped the epoch after a batch (TerminateOnNaN) ends training now: the
                // epoch's logs hold what was trained, and validating a diverged model would only cost time.
                stoppedInEpoch = all.shouldStop();
                logs.put(History.TRAIN_LOSS, trained.loss());
                if (!Double.isNaN(trained.accuracy())) {
                    logs.put(History.TRAIN_ACCURACY, trained.accuracy());
                }
                logs.putAll(trained.metrics());
                if (validation != null && !stoppedInEpoch) {
                    Evaluation val = evaluate(validation, bar);
                    logs.put(History.VAL_LOSS, val.loss());
                    if (!Double.isNaN(val.accuracy())) {
                        logs.put(History.VAL_ACCURACY, val.accuracy());
                    }
                    val.metrics().forEach((name, v) -> logs.put("val_" + name, v));
                }
            }
            all.onEpochEnd(epoch, logs);
            if (stoppedInEpoch || all.shouldStop()) {
                break;
            }
        }
        all.onTrainEnd();
        return history;
    }

    private Callback[] listWith(History history, int epochs, boolean validates) {
        List<Callback> list = new ArrayList<>();
        list.add(history);
        if (epochLog != null) {
            list.add(new EpochSummary(epochLog, epochs, validates, System::nanoTime));
        }
        list.addAll(callbacks);
        return list.toArray(Callback[]::new);
    }

    /** The compiled engine when it can be built, else the eager loop (saying why once when compiling was asked). */
    private Engine engine() {
        if (layerModel != null) {
            if (schedule != null || regularization != null) {
                throw new IllegalStateException("fit: with layers as data, put the schedule in the optimizer "
                        + "(Transformations.adam(LearningRateSchedule, ...)) and the regularization in the loss");
            }
            GradientTransformation tx = Double.isNaN(clipNorm) ? transformation
                    : GradientTransformation.chain(Transformations.clipByGlobalNorm(clipNorm), transformation);
            TrainStep<Layer> trainStep = new TrainStep<>(tx, loss, compile);
            return new CompiledEngine<>(trainStep, trainStep.init(layerModel, seed));
        }
        if (compile) {
            try {
                if (regularization != null) {
                    throw new UnsupportedOperationException("a regularization term over the module is set");
                }
                Layer functional = Layers.of(model);
                GradientTransformation tx = optimizer.asTransformation();
                if (!Double.isNaN(clipNorm)) {
                    tx = GradientTransformation.chain(Transformations.clipByGlobalNorm(clipNorm), tx);
                }
                TrainStep<Layer> trainStep = new TrainStep<>(tx, loss, true);
                Optimizer.FunctionalState optimizerState = optimizer.functionalState(model.parameters());
                Object txState = Double.isNaN(clipNorm) ? optimizerState : List.of(new Transformations.EmptyState(), optimizerState);
                TrainState<Layer> state = new TrainState<>(functional, txState, Context.key(seed));
                return new CompiledEngine<>(trainStep, state, model, optimizer, schedule);
            } catch (UnsupportedOperationException e) {
                System.err.println("Trainer: training eagerly: " + e.getMessage());
            }
        }
        return new EagerEngine(model, optimizer, loss, clipNorm, schedule, regularization);
    }

    private Evaluation trainEpoch(DataLoader train, ProgressBar bar, Callback all) {
        EpochStats stats = new EpochStats(metrics);
        try (DataLoader.Epoch batches = train.iterator()) {
            int index = 0;
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Engine.Step s = engine.step(batch, step);
                step++;
                double l = s.loss();
                stats.add(s.output(), batch.labels(), l);
                if (!engine.keepsBatches()) {
                    batches.recycle(batch);
                }
                if (bar != null) {
                    bar.step(1, l);
                }
                all.onBatchEnd(index++, Map.of(History.TRAIN_LOSS, l));
                if (all.shouldStop()) {
                    break;
                }
            }
        }
        return stats.evaluation();
    }

    /** Mean loss and accuracy of the model in eval mode, without recording gradients. */
    public Evaluation evaluate(DataLoader loader) {
        return evaluate(loader, null);
    }

    /** {@link #evaluate(DataLoader)}, showing its progress on {@code bar} when not null. */
    private Evaluation evaluate(DataLoader loader, ProgressBar bar) {
        if (engine == null) {
            engine = engine();
        }
        EpochStats stats = new EpochStats(metrics);
        if (bar != null) {
            bar.startValidation(loader.batchCount());
        }
        try (var noGrad = GradMode.noGrad()) {
            for (Batch batch : loader) {
                Tensor out = engine.predict(batch.features());
                stats.add(out, batch.labels(), loss.apply(out, batch.labels()).item());
                if (bar != null) {
                    bar.validationStep();
                }
            }
        }
        return stats.evaluation();
    }

    /**
     * Mean loss over batches weighted by their size, accuracy while every batch is a classification
     * (scores {@code [B, C]}, integer labels {@code [B]}), and the user metrics.
     */
    private static final class EpochStats {
        private final RunningMean meanLoss = new RunningMean();
        private final Map<String, Metric.State> metrics = new LinkedHashMap<>();
        private long correct;
        private long seen;
        private boolean classification = true;

        EpochStats(List<Metric> metrics) {
            metrics.forEach(m -> this.metrics.put(m.name(), m.newState()));
        }

        void add(Tensor out, Tensor labels, double batchLoss) {
            int n = labels.dim(0);
            meanLoss.add(batchLoss, n);
            if (!metrics.isEmpty()) {
                // Metrics are read, not differentiated: nothing of theirs goes on the tape.
                try (var noGrad = GradMode.noGrad()) {
                    Tensor output = out.detach();
                    metrics.values().forEach(state -> state.update(output, labels));
                }
            }
            classification &= out.rank() == 2 && labels.rank() == 1 && !labels.dtype().isFloatingPoint();
            if (classification) {
                correct += out.argmax(1, false).eq(labels.to(org.fluxion.tensor.DType.INT64)).sum().getLong();
                seen += n;
            }
        }

        Evaluation evaluation() {
            Map<String, Double> values = new LinkedHashMap<>();
            metrics.forEach((name, state) -> values.put(name, state.result()));
            return new Evaluation(meanLoss.mean(), classification && seen > 0 ? (double) correct / seen : Double.NaN,
                    values);
        }
    }
}

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
import org.fluxion.nn.Module;
import org.fluxion.optim.GradientClipping;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Optimizer;
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
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final List<Callback> callbacks = new ArrayList<>();
    private final List<Metric> metrics = new ArrayList<>();
    private double clipNorm = Double.NaN;
    private LearningRateSchedule schedule;
    private Function<Module, Tensor> regularization;
    private boolean progress = true;
    private PrintStream epochLog = System.out;
    private long step;

    /** A trainer of {@code model} by {@code optimizer} on {@code loss(output, labels)}. */
    public Trainer(Module model, Optimizer optimizer, BiFunction<Tensor, Tensor, Tensor> loss) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
    }

    /** Clips the gradients to this global L2 norm before each step (seed 000 uses 5.0). */
    public Trainer clipGradientNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGradientNorm: max norm must be > 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Sets the optimizer's learning rate from {@code schedule} before every step. */
    public Trainer schedule(LearningRateSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    /** Adds {@code penalty(model)} (e.g. an L2 term) to every training loss. */
    public Trainer regularization(Function<Module, Tensor> penalty) {
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
        all.onTrainBegin();
        Map<String, Tensor> parameters = model.parameters();
        for (int epoch = 0; epoch < epochs; epoch++) {
            all.onEpochBegin(epoch);
            Map<String, Double> logs = new LinkedHashMap<>();
            boolean stoppedInEpoch;
            try (ProgressBar bar = progress ? ProgressBar.create("epoch " + (epoch + 1) + "/" + epochs,
                    train.batchCount()) : null) {
                Evaluation trained = trainEpoch(train, parameters, bar, all);
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

    private Evaluation trainEpoch(DataLoader train, Map<String, Tensor> parameters, ProgressBar bar, Callback all) {
        model.train();
        EpochStats stats = new EpochStats(metrics);
        try (DataLoader.Epoch batches = train.iterator()) {
            int index = 0;
            while (batches.hasNext()) {
                Batch batch = batches.next();
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
                step++;
                double l = value.item();
                stats.add(out, batch.labels(), l);
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
        model.eval();
        EpochStats stats = new EpochStats(metrics);
        if (bar != null) {
            bar.startValidation(loader.batchCount());
        }
        try (var noGrad = GradMode.noGrad()) {
            for (Batch batch : loader) {
                Tensor out = model.apply(batch.features());
                stats.add(out, batch.labels(), loss.apply(out, batch.labels()).item());
                if (bar != null) {
                    bar.validationStep();
                }
            }
        } finally {
            model.train();
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

package org.fluxion.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.nn.Module;
import org.fluxion.optim.Optimizer;
import org.fluxion.tensor.Tensor;

/**
 * Saves the model (and the optimizer's state) as a {@link Checkpoint} at the end of epochs, as Keras's
 * {@code ModelCheckpoint}: with {@code saveBestOnly}, only when the monitored metric improves on the best
 * so far (so the file holds the best model of the run), otherwise after every epoch.
 *
 * <p>The file name may hold {@code {epoch}}, replaced by the epoch's number counted from 1
 * ({@code "ckpt-{epoch}.safetensors"} keeps one file per epoch). Each save is atomic: an interrupted run
 * leaves the previous file intact. The file's metadata holds {@code epoch} (from 1), {@code monitor} and
 * every value of the epoch's logs. Load it back with
 * <pre>{@code
 * Checkpoint saved = Checkpoint.load(path);
 * saved.loadInto(model.stateDict());
 * optimizer.loadState(saved.optimizerState());
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {
    private final String file;
    private final Module model;
    private final Optimizer optimizer;
    private final Monitor monitor;
    private final boolean saveBestOnly;

    private double best;
    private int bestEpoch;
    private Path lastSaved;

    /**
     * @param file where to save; {@code {epoch}} in it becomes the epoch's number from 1
     * @param model whose {@link Module#stateDict()} (parameters and buffers) is saved
     * @param optimizer whose state is saved too; {@code null} for the model alone
     * @param monitor the metric that decides the best epoch
     * @param saveBestOnly save only epochs that improve on the best (else every epoch)
     */
    public ModelCheckpoint(Path file, Module model, Optimizer optimizer, Monitor monitor, boolean saveBestOnly) {
        if (file == null || model == null || monitor == null) {
            throw new IllegalArgumentException("ModelCheckpoint: file, model and monitor must not be null");
        }
        this.file = file.toString();
        this.model = model;
        this.optimizer = optimizer;
        this.monitor = monitor;
        this.saveBestOnly = saveBestOnly;
        onTrainBegin();
    }

    /** Keeps the best model by {@code metric} (Keras's auto mode, see {@link Monitor#of}) in {@code file}. */
    public static ModelCheckpoint best(Path file, Module model, Optimizer optimizer, String metric) {
        return new ModelCheckpoint(file, model, optimizer, Monitor.of(metric), true);
    }

    @Override
    public void onTrainBegin() {
        best = monitor.worst();
        bestEpoch = -1;
        lastSaved = null;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double value = monitor.valueIn(logs, "ModelCheckpoint");
        // The first finite value is a best even when minDelta exceeds its gap to infinity.
        boolean improved = monitor.improves(value, best) || (bestEpoch < 0 && !Double.isNaN(value));
        if (improved) {
            best = value;
            bestEpoch = epoch;
        }
        if (improved || !saveBestOnly) {
            save(epoch, logs);
        }
    }

    private void save(int epoch, Map<String, Double> logs) {
        Path path = Path.of(file.replace("{epoch}", Integer.toString(epoch + 1)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("epoch", Integer.toString(epoch + 1));
        metadata.put("monitor", monitor.metric());
        logs.forEach((name, v) -> metadata.put(name, Double.toString(v)));
        Map<String, Tensor> state = optimizer == null ? Map.of() : optimizer.state();
        try {
            Checkpoint.save(path, model.stateDict(), state, metadata);
        } catch (IOException e) {
            // A callback cannot throw a checked exception; the run stops here rather than train on unsaved.
            throw new UncheckedIOException("ModelCheckpoint: could not save epoch " + (epoch + 1) + " to " + path, e);
        }
        lastSaved = path;
    }

    /** The best epoch so far (from 0, as callbacks count), or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The monitored metric's best value so far ({@link Monitor#worst()} before any epoch). */
    public double bestValue() {
        return best;
    }

    /** The file written last, or null when none was. */
    public Path lastSaved() {
        return lastSaved;
    }
}

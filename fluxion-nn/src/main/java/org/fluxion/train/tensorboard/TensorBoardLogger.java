package org.fluxion.train.tensorboard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.fluxion.nn.Module;
import org.fluxion.train.Callback;

/**
 * Logs training to TensorBoard as Keras's {@code TensorBoard} callback does: after each epoch, every
 * training value of the logs as the scalar {@code epoch_<name>} in {@code DIR/train}, and every validation
 * value ({@code val_<name>}) as {@code epoch_<name>} in {@code DIR/validation}, so that TensorBoard draws
 * training and validation of a metric in one chart; with a model, the histogram of each parameter every
 * {@code histogramEvery} epochs (tag: its dotted name). Steps are epochs counted from 1.
 *
 * <p>The writers stay open for more ({@link #train()}, {@link #validation()}: a text summary of the model,
 * its jit graph, images) until {@link #close()}; training's end only flushes them.
 */
public final class TensorBoardLogger implements Callback, AutoCloseable {
    private static final String VALIDATION_PREFIX = "val_";

    private final SummaryWriter train;
    private final SummaryWriter validation;
    private final Module model;
    private final int histogramEvery;

    /**
     * @param logDir the run's directory: event files go to {@code logDir/train} and {@code logDir/validation}
     * @param model whose parameters get histograms; {@code null} for none
     * @param histogramEvery epochs between histograms, {@code >= 1} (Keras's {@code histogram_freq})
     */
    public TensorBoardLogger(Path logDir, Module model, int histogramEvery) throws IOException {
        if (histogramEvery < 1) {
            throw new IllegalArgumentException("TensorBoardLogger: histogramEvery must be >= 1, got " + histogramEvery);
        }
        this.train = new SummaryWriter(logDir.resolve("train"));
        this.validation = new SummaryWriter(logDir.resolve("validation"));
        this.model = model;
        this.histogramEvery = histogramEvery;
    }

    /** The writer of training values (and of anything else about the run). */
    public SummaryWriter train() {
        return train;
    }

    /** The writer of validation values. */
    public SummaryWriter validation() {
        return validation;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        long step = epoch + 1;
        logs.forEach((name, value) -> {
            if (name.startsWith(VALIDATION_PREFIX)) {
                validation.addScalar("epoch_" + name.substring(VALIDATION_PREFIX.length()), value, step);
            } else {
                train.addScalar("epoch_" + name, value, step);
            }
        });
        if (model != null && step % histogramEvery == 0) {
            model.parameters().forEach((name, p) -> train.addHistogram(name, p, step));
        }
    }

    @Override
    public void onTrainEnd() {
        train.flush();
        validation.flush();
    }

    @Override
    public void close() {
        try {
            train.close();
        } finally {
            validation.close();
        }
    }
}

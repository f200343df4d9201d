package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.fluxion.jit.Jit;
import org.fluxion.nn.Module;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.tensorboard.TensorBoardLogger;

/**
 * What {@code fluxion train --tensorboard DIR} writes besides the per-epoch scalars and histograms of
 * {@link TensorBoardLogger}: the run's settings and the model's layers as text, the model's forward pass as
 * traced by the jit (its graph as text), and at the end the misclassified test images.
 */
final class TrainBoard {
    private TrainBoard() {
    }

    /**
     * Opens the logger on {@code dir} and writes the settings, the model and its graph on {@code example}
     * (one sample, {@code [1, ...]}) at step 0.
     */
    static TensorBoardLogger open(Path dir, Module model, String settings, Tensor example) throws IOException {
        TensorBoardLogger board = new TensorBoardLogger(dir, model, 1);
        board.train().addText("settings", settings, 0);
        board.train().addText("model", codeBlock(model.toString()), 0);
        Function<Tensor, Tensor> forward = model::apply;
        board.train().addGraph("forward_graph", Jit.makeGraph(forward, example), 0);
        return board;
    }

    /** Adds the picture at {@code png} (written by the run) as the image {@code tag} at {@code step}. */
    static void addPicture(TensorBoardLogger board, String tag, Path png, long step) throws IOException {
        board.train().addImage(tag, ImageIO.read(png.toFile()), step);
    }

    private static String codeBlock(String text) {
        return text.strip().lines().map(line -> "    " + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}

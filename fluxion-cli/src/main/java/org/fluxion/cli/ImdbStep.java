package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.fluxion.nn.Module;
import org.fluxion.tensor.Tensor;

/**
 * One model of the imdb example: seed 000's notebook trains several on the same reviews, each reported the
 * same way by {@link ImdbTraining} (log loss per period, AUC, accuracy, ROC and loss plots). A further model
 * is one more implementation registered in {@link ImdbExample#STEPS}.
 */
interface ImdbStep {
    /** The name used by {@code --models} and in file names, e.g. {@code linear}. */
    String name();

    /** One line saying what the model is. */
    String title();

    /** A fresh model (and its optimizers) for these reviews. */
    Model build(ImdbData data, ImdbExample.Settings settings, SplittableRandom rng);

    /** A model being trained. */
    interface Model {
        /** The logits {@code [n]} of the given reviews of a split (no optimizer step; eval or train as set). */
        Tensor logits(ImdbData.Split split, long[] reviews);

        /** One optimization step on the given training reviews: forward, log loss, backward, update. */
        void step(long[] reviews);

        /** The module whose train/eval mode switches Dropout. */
        Module module();

        /** Extra pictures of the trained model (an embedding's scatter plot); none by default. */
        default void plots(Path dir, String prefix) throws IOException {
        }
    }
}

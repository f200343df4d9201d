package org.fluxion.cli;

import java.util.SplittableRandom;
import org.fluxion.nn.Embedding;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.optim.Adam;
import org.fluxion.optim.GradientClipping;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.text.EncodedBatch;

/**
 * The imdb example's models that read a review as a sequence of term ids over the full vocabulary (the first
 * {@code --max-length} tokens, padded with {@code <pad>}) rather than as a bag of words: an {@link Classifier}
 * maps a batch of such sequences to logits, trained with Adam and clipped as the other steps.
 */
abstract class ImdbSequenceStep implements ImdbStep {
    /** Adam's learning rate: {@code --lr} is the notebook's Adagrad rate, far too large for Adam. */
    static final double LEARNING_RATE = 3e-3;
    /** Embedding width of the sequence models. */
    static final int DIM = 32;

    /** A sequence model: logits {@code [B]} of padded id sequences. */
    abstract static class Classifier extends Module {
        /**
         * @param batch ids int64 {@code [B, L]}, mask float32 {@code [B, L]} (1 at tokens), lengths (at least 1)
         */
        abstract Tensor logits(EncodedBatch batch);

        @Override
        public Tensor apply(Tensor ids) {
            Tensor mask = ids.ne(0).to(DType.FLOAT32);
            int[] lengths = new int[ids.dim(0)];
            float[] m = mask.sum(1).toFloatArray();
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = Math.max(1, (int) m[i]);
            }
            return logits(new EncodedBatch(ids, mask, lengths));
        }
    }

    /**
     * An embedding {@code [vocabulary, dim]} drawn from N(0, 0.1^2) rather than PyTorch's N(0, 1): averaged over a
     * review, unit-variance vectors of rare terms are noise large enough to memorize each training review by.
     */
    static Embedding smallEmbedding(int vocabulary, int dim, SplittableRandom rng) {
        return new Embedding(Tensor.randn(rng, DType.FLOAT32, vocabulary, dim).mul(0.1));
    }

    /** The mean of {@code h [B, L, F]} over the tokens where {@code mask [B, L]} is 1: {@code [B, F]}. */
    static Tensor maskedMean(Tensor h, Tensor mask) {
        Tensor m = mask.unsqueeze(2);
        return h.mul(m).sum(1).div(m.sum(1).maximum(1));
    }

    /** The model for a vocabulary of {@code vocabulary} ids and sequences of at most {@code maxLength}. */
    abstract Classifier classifier(int vocabulary, ImdbExample.Settings s, SplittableRandom rng);

    @Override
    public Model build(ImdbData data, ImdbExample.Settings s, SplittableRandom rng) {
        Classifier model = classifier(data.vocabulary().size(), s, rng);
        Adam adam = new Adam(LEARNING_RATE);
        var parameters = model.parameters();
        return new Model() {
            @Override
            public Tensor logits(ImdbData.Split split, long[] reviews) {
                return model.logits(data.sequenceRows(split, reviews, s.maxLength()));
            }

            @Override
            public void step(long[] reviews) {
                model.zeroGrad();
                Losses.binaryCrossEntropyWithLogits(logits(ImdbData.Split.TRAIN, reviews),
                        data.labels(ImdbData.Split.TRAIN, reviews)).backward();
                GradientClipping.clipByGlobalNorm(parameters, ImdbDnnStep.CLIP_NORM);
                adam.step(parameters);
            }

            @Override
            public Module module() {
                return model;
            }
        };
    }
}

package org.fluxion.cli;

import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.nn.Embedding;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Lstm;
import org.fluxion.nn.Module;
import org.fluxion.nn.RecurrentCell;
import org.fluxion.nn.RecurrentConfig;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.text.EncodedBatch;

/**
 * A bidirectional LSTM over the reviews' term ids: embedding {@code [V, E]}, one LSTM layer each way reading
 * only a review's real tokens (its length), the outputs of both directions averaged over those tokens
 * {@code [B, 2H]} (which trains faster than the final states when the evidence is anywhere in a long review), then
 * a linear head to one logit.
 */
final class ImdbLstmStep extends ImdbSequenceStep {
    private static final int HIDDEN = 32;

    @Override
    public String name() {
        return "lstm";
    }

    @Override
    public String title() {
        return "embedding + bidirectional LSTM (" + HIDDEN + " each way) over the term ids, mean over tokens -> linear, Adam "
                + LEARNING_RATE;
    }

    /** Embedding, LSTM, head. */
    static final class Model extends Classifier {
        final Embedding embedding;
        final Lstm lstm;
        final Linear head;

        Model(int vocabulary, int dim, SplittableRandom rng) {
            embedding = smallEmbedding(vocabulary, dim, rng);
            lstm = new Lstm(RecurrentConfig.of(RecurrentCell.LSTM, dim, HIDDEN).withBatchFirst(true)
                    .withBidirectional(true), DType.FLOAT32, rng);
            head = new Linear(2 * HIDDEN, 1, rng);
        }

        @Override
        Tensor logits(EncodedBatch batch) {
            Tensor x = embedding.apply(batch.ids());                                  // [B, L, E]
            Tensor lengths = Tensor.of(batch.lengths(), batch.lengths().length);
            Tensor h = lstm.forward(x, null, lengths).output();                        // [B, L, 2H]
            return head.apply(maskedMean(h, batch.mask())).reshape(batch.lengths().length);
        }

        @Override
        protected Map<String, Module> children() {
            return named("embedding", embedding, "lstm", lstm, "head", head);
        }
    }

    @Override
    Classifier classifier(int vocabulary, ImdbExample.Settings s, SplittableRandom rng) {
        return new Model(vocabulary, DIM, rng);
    }
}

package org.fluxion.cli;

import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.nn.Embedding;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Module;
import org.fluxion.nn.PositionalEncoding;
import org.fluxion.nn.TransformerConfig;
import org.fluxion.nn.TransformerEncoderLayer;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.text.EncodedBatch;

/**
 * A transformer encoder over the reviews' term ids: embedding {@code [V, D]} plus the sinusoidal positions,
 * one encoder layer whose attention skips the padding (a key-padding mask), the mean over the real tokens
 * {@code [B, D]}, then a linear head to one logit.
 */
final class ImdbTransformerStep extends ImdbSequenceStep {
    private static final int HEADS = 4;

    @Override
    public String name() {
        return "transformer";
    }

    @Override
    public String title() {
        return "embedding + positions + one transformer encoder layer (" + HEADS
                + " heads, padding masked), mean over tokens -> linear, Adam " + LEARNING_RATE;
    }

    /** Embedding, positions, encoder layer, masked mean, head. */
    static final class Model extends Classifier {
        final Embedding embedding;
        final PositionalEncoding positions;
        final TransformerEncoderLayer encoder;
        final Linear head;

        Model(int vocabulary, int dim, int maxLength, double dropout, SplittableRandom rng) {
            embedding = smallEmbedding(vocabulary, dim, rng);
            positions = PositionalEncoding.sinusoidal(maxLength, dim, true, DType.FLOAT32);
            encoder = new TransformerEncoderLayer(TransformerConfig.of(dim, HEADS).withFeedforward(2 * dim)
                    .withDropout(dropout).withBatchFirst(true), DType.FLOAT32, rng);
            head = new Linear(dim, 1, rng);
        }

        @Override
        Tensor logits(EncodedBatch batch) {
            Tensor x = positions.apply(embedding.apply(batch.ids()));                  // [B, L, D]
            Tensor h = encoder.forward(x, batch.mask().eq(0), false);                 // [B, L, D]
            return head.apply(maskedMean(h, batch.mask())).reshape(batch.lengths().length);
        }

        @Override
        protected Map<String, Module> children() {
            return named("embedding", embedding, "positions", positions, "encoder", encoder, "head", head);
        }
    }

    @Override
    Classifier classifier(int vocabulary, ImdbExample.Settings s, SplittableRandom rng) {
        return new Model(vocabulary, DIM, s.maxLength(), s.dropout(), rng);
    }
}

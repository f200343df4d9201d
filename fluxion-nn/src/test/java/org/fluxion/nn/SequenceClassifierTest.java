package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The sequence layers as a text classifier uses them (token ids padded to T, with lengths or a padding mask):
 * an embedding, then an LSTM whose final state feeds a linear head, or a transformer encoder whose masked
 * mean feeds it. Each learns a task that needs the order-free presence of a token at any position, padding
 * included in the batch: "does token 1 occur in the valid part of the sequence?".
 */
class SequenceClassifierTest {
    private static final int VOCAB = 8;
    private static final int T = 10;
    private static final int BATCH = 64;

    /** Ids [B, T] (0 past each length), lengths [B], labels [B] (float 0/1). */
    private static Tensor[] batch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[BATCH * T];
        long[] lengths = new long[BATCH];
        float[] labels = new float[BATCH];
        for (int b = 0; b < BATCH; b++) {
            lengths[b] = 3 + r.nextInt(T - 2);
            boolean positive = r.nextBoolean();
            for (int t = 0; t < lengths[b]; t++) {
                ids[b * T + t] = 2 + r.nextInt(VOCAB - 2);
            }
            if (positive) {
                ids[b * T + r.nextInt((int) lengths[b])] = 1;
            }
            for (int t = (int) lengths[b]; t < T; t++) {
                ids[b * T + t] = r.nextInt(4) == 0 ? 1 : 0; // a token 1 in the padding must not count
            }
            labels[b] = positive ? 1 : 0;
        }
        return new Tensor[] {Tensor.of(ids, BATCH, T), Tensor.of(lengths, BATCH), Tensor.of(labels, BATCH)};
    }

    private static double train(Module model, BiFunction<Tensor, Tensor, Tensor> logits) {
        Adam adam = new Adam(0.01);
        for (int step = 0; step < 150; step++) {
            Tensor[] b = batch(step);
            model.zeroGrad();
            Functions.binaryCrossEntropyWithLogits(logits.apply(b[0], b[1]), b[2]).backward();
            adam.step(model.parameters());
        }
        Tensor[] test = batch(10_000);
        Tensor predicted = logits.apply(test[0], test[1]).gt(0).to(DType.FLOAT32);
        return predicted.eq(test[2]).to(DType.FLOAT32).mean().item();
    }

    @Test
    void lstmClassifierLearnsFromPaddedSequences() {
        SplittableRandom rng = new SplittableRandom(1);
        Embedding embedding = new Embedding(VOCAB, 8, rng);
        Lstm lstm = new Lstm(RecurrentConfig.of(RecurrentCell.LSTM, 8, 16).withBatchFirst(true).withBidirectional(true),
                DType.FLOAT32, rng);
        Linear head = new Linear(32, 1, rng);
        Sequential model = new Sequential(embedding, lstm, head);
        double accuracy = train(model, (ids, lengths) -> {
            RecurrentState last = lstm.forward(embedding.apply(ids), null, lengths).state();
            Tensor h = Tensor.concat(1, last.h().select(0, 0), last.h().select(0, 1)); // both directions
            return head.apply(h).squeeze(1);
        });
        assertTrue(accuracy > 0.95, "LSTM accuracy " + accuracy);
    }

    @Test
    void transformerClassifierLearnsFromPaddedSequences() {
        SplittableRandom rng = new SplittableRandom(2);
        Embedding embedding = new Embedding(VOCAB, 16, rng);
        PositionalEncoding positions = PositionalEncoding.sinusoidal(T, 16, true, DType.FLOAT32);
        TransformerEncoderLayer encoder = new TransformerEncoderLayer(
                TransformerConfig.of(16, 2).withFeedforward(32).withDropout(0).withBatchFirst(true), DType.FLOAT32, rng);
        Linear head = new Linear(16, 1, rng);
        Sequential model = new Sequential(embedding, positions, encoder, head);
        double accuracy = train(model, (ids, lengths) -> {
            Tensor valid = SequenceMasks.valid(lengths, T); // [B, T], true at a real token
            Tensor h = encoder.forward(positions.apply(embedding.apply(ids)), valid.logicalNot(), false);
            Tensor weights = valid.to(DType.FLOAT32).unsqueeze(2);
            Tensor pooled = h.mul(weights).sum(1).div(weights.sum(1)); // mean over the valid tokens
            return head.apply(pooled).squeeze(1);
        });
        assertTrue(accuracy > 0.95, "transformer accuracy " + accuracy);
    }
}

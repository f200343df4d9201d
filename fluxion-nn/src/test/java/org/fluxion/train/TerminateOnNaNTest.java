package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.optim.Sgd;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Issue 9 item 9: a diverging fit stops at the first non-finite batch loss and says where. */
class TerminateOnNaNTest {
    /** Records every batch loss the loop reports. */
    private static final class BatchLosses implements Callback {
        final List<Double> losses = new ArrayList<>();

        @Override
        public void onBatchEnd(int batch, Map<String, Double> logs) {
            losses.add(logs.get(History.TRAIN_LOSS));
        }
    }

    /** y = x w on 64 samples, in 8 batches of 8, per epoch. */
    private static DataLoader loader(long seed) {
        Tensor x = Tensor.randn(seed, 64, 4);
        Tensor y = x.matmul(Tensor.vector(1, -2, 3, 0.5f).reshape(4, 1));
        return DataLoader.builder(new TensorDataset(x, y)).batchSize(8).build();
    }

    @Test
    void divergingTrainingStopsAtTheFirstNonFiniteBatchLoss() {
        TerminateOnNaN terminate = new TerminateOnNaN();
        BatchLosses seen = new BatchLosses();
        Trainer trainer = new Trainer(new Linear(4, 1, new SplittableRandom(1)), new Sgd(1e10), Losses::mse)
                .progress(false).callbacks(terminate, seen);
        History history = trainer.fit(loader(2), loader(3), 5);

        assertTrue(terminate.terminated(), "the loss of lr 1e10 diverges: " + seen.losses);
        assertEquals(0, terminate.epoch());
        assertTrue(terminate.batch() > 0 && terminate.batch() < 7, "diverges within the first epoch: " + seen.losses);
        assertEquals(terminate.batch() + 1, seen.losses.size(), "no batch runs after the non-finite one");
        assertTrue(seen.losses.subList(0, terminate.batch()).stream().allMatch(Double::isFinite), seen.losses.toString());
        assertFalse(Double.isFinite(seen.losses.getLast()));
        assertEquals(seen.losses.getLast(), terminate.loss());
        assertEquals(1, history.size(), "one (partial) epoch recorded, then training ended");
        assertFalse(history.names().contains(History.VAL_LOSS), "a diverged model is not validated");
        assertTrue(terminate.message().contains("epoch 1, batch " + (terminate.batch() + 1)), terminate.message());
    }

    @Test
    void finiteTrainingRunsEveryEpochAndResetsBetweenFits() {
        TerminateOnNaN terminate = new TerminateOnNaN();
        Trainer diverging = new Trainer(new Linear(4, 1, new SplittableRandom(1)), new Sgd(1e10), Losses::mse)
                .progress(false).callbacks(terminate);
        diverging.fit(loader(2), null, 2);
        assertTrue(terminate.terminated());

        Trainer fine = new Trainer(new Linear(4, 1, new SplittableRandom(1)), new Sgd(0.01), Losses::mse)
                .progress(false).callbacks(terminate);
        History history = fine.fit(loader(2), loader(3), 3);
        assertFalse(terminate.terminated(), "a new fit starts afresh");
        assertEquals(-1, terminate.batch());
        assertEquals("", terminate.message());
        assertEquals(3, history.size());
        assertTrue(history.names().contains(History.VAL_LOSS));
    }
}

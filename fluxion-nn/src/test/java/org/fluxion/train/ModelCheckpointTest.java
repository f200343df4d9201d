package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.optim.Adam;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 8: the best model by a monitored metric, saved atomically with the optimizer state. */
class ModelCheckpointTest {
    @TempDir
    Path dir;

    /** Copies of the weights after each epoch, to compare with what the file holds. */
    private static final class Snapshots implements Callback {
        final List<float[]> weights = new ArrayList<>();
        final Linear model;

        Snapshots(Linear model) {
            this.model = model;
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            weights.add(model.parameters().get("weight").toFloatArray());
        }
    }

    @Test
    void keepsTheBestEpochByValidationLossWithTheOptimizerState() throws IOException {
        Tensor x = Tensor.randn(3, 64, 4);
        Tensor y = x.matmul(Tensor.vector(1, -2, 3, 0.5f).reshape(4, 1));
        // A validation set whose targets are noisy, and a learning rate large enough to wander: the best
        // validation epoch is not simply the last.
        Tensor vx = Tensor.randn(4, 32, 4);
        Tensor vy = vx.matmul(Tensor.vector(1, -2, 3, 0.5f).reshape(4, 1)).add(Tensor.randn(5, 32, 1));
        Linear model = new Linear(4, 1, new SplittableRandom(7));
        Adam adam = new Adam(0.3);
        Path file = dir.resolve("best.safetensors");
        ModelCheckpoint checkpoint = ModelCheckpoint.best(file, model, adam, History.VAL_LOSS);
        Snapshots snapshots = new Snapshots(model);
        History history = new Trainer(model, adam, Losses::mse).progress(false).epochLog(null)
                .callbacks(snapshots, checkpoint)
                .fit(DataLoader.builder(new TensorDataset(x, y)).batchSize(16).shuffle(1).build(),
                        DataLoader.builder(new TensorDataset(vx, vy)).batchSize(32).build(), 9);

        double[] val = history.series(History.VAL_LOSS);
        int best = 0;
        for (int e = 1; e < val.length; e++) {
            best = val[e] < val[best] ? e : best;
        }
        assertTrue(best < val.length - 1, "the data should make an earlier epoch the best: " + java.util.Arrays.toString(val));
        assertEquals(best, checkpoint.bestEpoch());
        assertEquals(val[best], checkpoint.bestValue());
        Checkpoint saved = Checkpoint.load(file);
        assertEquals(Integer.toString(best + 1), saved.metadata().get("epoch"));
        assertEquals(Double.toString(val[best]), saved.metadata().get(History.VAL_LOSS));
        assertEquals(History.VAL_LOSS, saved.metadata().get("monitor"));
        assertArrayEquals(snapshots.weights.get(best), saved.parameters().get("weight").toFloatArray());
        assertEquals(adam.state().keySet(), saved.optimizerState().keySet());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "one file, no temporary left behind");
        }

        // The file loads back into a fresh model and optimizer.
        Linear fresh = new Linear(4, 1, new SplittableRandom(99));
        Adam freshAdam = new Adam(0.3);
        saved.loadInto(fresh.stateDict());
        freshAdam.loadState(saved.optimizerState());
        assertArrayEquals(snapshots.weights.get(best), fresh.parameters().get("weight").toFloatArray());
        assertEquals(4.0 * (best + 1), freshAdam.state().get("weight.step").item(),
                "Adam's step count at the best epoch (4 batches per epoch)");
    }

    @Test
    void everyEpochWithItsNumberInTheName() {
        Linear model = new Linear(2, 1, new SplittableRandom(1));
        ModelCheckpoint every = new ModelCheckpoint(dir.resolve("ckpt-{epoch}.safetensors"), model, null,
                Monitor.of(History.TRAIN_LOSS), false);
        every.onTrainBegin();
        double[] losses = {0.5, 0.7, 0.4};
        for (int e = 0; e < losses.length; e++) {
            every.onEpochEnd(e, Map.of(History.TRAIN_LOSS, losses[e]));
        }
        for (int e = 1; e <= 3; e++) {
            assertTrue(Files.exists(dir.resolve("ckpt-" + e + ".safetensors")), "epoch " + e);
        }
        assertEquals(dir.resolve("ckpt-3.safetensors"), every.lastSaved());
        assertEquals(2, every.bestEpoch());
    }

    @Test
    void bestOnlySkipsEpochsThatDoNotImproveAndMaxModeForAccuracy() {
        Linear model = new Linear(2, 1, new SplittableRandom(1));
        ModelCheckpoint best = ModelCheckpoint.best(dir.resolve("acc-{epoch}.safetensors"), model, null,
                History.VAL_ACCURACY);
        best.onTrainBegin();
        double[] accuracies = {0.6, 0.8, 0.7, Double.NaN, 0.9};
        for (int e = 0; e < accuracies.length; e++) {
            best.onEpochEnd(e, Map.of(History.VAL_ACCURACY, accuracies[e]));
        }
        assertTrue(Files.exists(dir.resolve("acc-1.safetensors")));
        assertTrue(Files.exists(dir.resolve("acc-2.safetensors")));
        assertFalse(Files.exists(dir.resolve("acc-3.safetensors")));
        assertFalse(Files.exists(dir.resolve("acc-4.safetensors")), "NaN never improves");
        assertTrue(Files.exists(dir.resolve("acc-5.safetensors")));
        assertEquals(4, best.bestEpoch());
    }
}

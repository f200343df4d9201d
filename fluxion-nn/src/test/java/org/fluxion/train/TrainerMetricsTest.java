package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.optim.Sgd;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Issue 18 item 8: user metrics in fit, for training and validation, weighted by batch size. */
class TrainerMetricsTest {
    @Test
    void meanAbsoluteErrorOverTrainingAndValidation() {
        Tensor x = Tensor.randn(1, 40, 3);
        Tensor y = x.matmul(Tensor.vector(1, -1, 2).reshape(3, 1));
        Tensor vx = Tensor.randn(2, 10, 3);
        Tensor vy = vx.matmul(Tensor.vector(1, -1, 2).reshape(3, 1));
        Linear model = new Linear(3, 1, new SplittableRandom(3));
        // A rate of 0 keeps the model fixed, so each epoch's metric can be recomputed from the data alone.
        Trainer trainer = new Trainer(model, new Sgd(0.0), Losses::mse).progress(false).epochLog(null)
                .metrics(Metric.mean("mae", (out, t) -> out.sub(t).abs().mean()));
        // Batches of 16, 16 and 8: the last counts half as much.
        History history = trainer.fit(DataLoader.builder(new TensorDataset(x, y)).batchSize(16).build(),
                DataLoader.builder(new TensorDataset(vx, vy)).batchSize(3).build(), 2);

        assertEquals(List.of("loss", "mae", "val_loss", "val_mae"), List.copyOf(history.names()));
        double trainMae = model.apply(x).sub(y).abs().mean().item();
        double valMae = model.apply(vx).sub(vy).abs().mean().item();
        assertEquals(trainMae, history.series("mae")[1], 1e-6);
        assertEquals(valMae, history.series("val_mae")[1], 1e-6);
        assertEquals(valMae, trainer.evaluate(DataLoader.builder(new TensorDataset(vx, vy)).batchSize(4).build())
                .metrics().get("mae"), 1e-6);
    }

    @Test
    void topKAccuracyNextToAccuracy() {
        Tensor scores = Tensor.randn(5, 30, 4);
        Tensor labels = Tensor.of(new long[30], 30);
        Linear identityLike = new Linear(4, 4, new SplittableRandom(1));
        Trainer trainer = new Trainer(identityLike, new Sgd(0.0), Losses::crossEntropy).progress(false).epochLog(null)
                .metrics(Metric.topKAccuracy(4));
        History history = trainer.fit(DataLoader.builder(new TensorDataset(scores, labels)).batchSize(7).build(), null, 1);
        assertEquals(List.of("loss", "accuracy", "top4_accuracy"), List.copyOf(history.names()));
        assertEquals(1.0, history.series("top4_accuracy")[0], "the label is always among all 4 classes");
    }

    @Test
    void namesMustBeFree() {
        Trainer trainer = new Trainer(new Linear(1, 1, new SplittableRandom(1)), new Sgd(0.1), Losses::mse);
        Metric mae = Metric.mean("mae", (o, t) -> o.sub(t).abs().mean());
        trainer.metrics(mae);
        for (Metric bad : List.of(mae, Metric.mean("loss", (o, t) -> o.mean()), Metric.mean("val_x", (o, t) -> o.mean()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer.metrics(bad));
            assertTrue(e.getMessage().contains("'" + bad.name() + "'"), e.getMessage());
        }
    }

    @Test
    void aMetricMustBeAScalarPerBatch() {
        Trainer trainer = new Trainer(new Linear(2, 1, new SplittableRandom(1)), new Sgd(0.1), Losses::mse)
                .progress(false).epochLog(null).metrics(Metric.mean("raw", (o, t) -> o.sub(t)));
        Tensor x = Tensor.randn(1, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(DataLoader.builder(new TensorDataset(x, x.sum(new int[] {1}, true))).batchSize(4).build(),
                        null, 1));
        assertTrue(e.getMessage().contains("metric 'raw'") && e.getMessage().contains("[4, 1]"), e.getMessage());
    }
}

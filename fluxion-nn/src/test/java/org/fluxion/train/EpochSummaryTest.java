package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.optim.Sgd;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Issue 18 item 6: one line per epoch with that epoch's time and metrics, also without the progress bar. */
class EpochSummaryTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void eachLineHasItsOwnEpochsTimeAndEveryMetricInOrder() {
        AtomicLong nanos = new AtomicLong();
        EpochSummary summary = new EpochSummary(out, 3, true, nanos::get);
        summary.onTrainBegin();
        for (int epoch = 0; epoch < 2; epoch++) {
            nanos.addAndGet(5_000_000_000L); // time between epochs is not the epoch's
            summary.onEpochBegin(epoch);
            for (int b = 0; b < 4; b++) {
                nanos.addAndGet(250_000_000L * (epoch + 1));
                summary.onBatchEnd(b, Map.of(History.TRAIN_LOSS, 1.0));
            }
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put(History.TRAIN_LOSS, 0.5 / (epoch + 1));
            logs.put(History.TRAIN_ACCURACY, 0.8);
            logs.put(History.VAL_LOSS, 0.75);
            logs.put(History.VAL_ACCURACY, 0.70125);
            summary.onEpochEnd(epoch, logs);
        }
        assertEquals("epoch 1/3 - 1.0s 250ms/step - loss: 0.5000 - accuracy: 0.8000 - val_loss: 0.7500"
                + " - val_accuracy: 0.7013", lines()[0]);
        assertEquals("epoch 2/3 - 2.0s 500ms/step - loss: 0.2500 - accuracy: 0.8000 - val_loss: 0.7500"
                + " - val_accuracy: 0.7013", lines()[1]);
    }

    @Test
    void anEpochStoppedBeforeValidationSaysSo() {
        EpochSummary summary = new EpochSummary(out, 2, true, () -> 0L);
        assertEquals("epoch 1/2 - 0.0s 0us/step - loss: NaN - stopped, not validated",
                summary.line(0, 0, 3, Map.of(History.TRAIN_LOSS, Double.NaN)));
        assertEquals("epoch 1/2 - 0.0s - loss: 1.5000",
                new EpochSummary(out, 2, false, () -> 0L).line(0, 0, 0, Map.of(History.TRAIN_LOSS, 1.5)));
    }

    @Test
    void stepTimesInTheirUnit() {
        assertEquals("850us/step", EpochSummary.perStep(850e-6));
        assertEquals("12ms/step", EpochSummary.perStep(0.0123));
        assertEquals("1.0s/step", EpochSummary.perStep(0.9996));
        assertEquals("1ms/step", EpochSummary.perStep(0.0009996));
        assertEquals("2.5s/step", EpochSummary.perStep(2.5));
    }

    @Test
    void fitPrintsOneLinePerEpochWithoutTheProgressBar() {
        Tensor x = Tensor.randn(1, 32, 3);
        Tensor y = x.matmul(Tensor.vector(1, -1, 2).reshape(3, 1));
        DataLoader train = DataLoader.builder(new TensorDataset(x, y)).batchSize(8).build();
        DataLoader validation = DataLoader.builder(new TensorDataset(x, y)).batchSize(16).build();
        History history = new Trainer(new Linear(3, 1, new SplittableRandom(2)), new Sgd(0.05), Losses::mse)
                .progress(false).epochLog(out).fit(train, validation, 3);
        String[] lines = lines();
        assertEquals(3, lines.length, String.join("\n", lines));
        for (int e = 0; e < 3; e++) {
            String expected = String.format(java.util.Locale.ROOT, "- loss: %.4f - val_loss: %.4f",
                    history.series(History.TRAIN_LOSS)[e], history.series(History.VAL_LOSS)[e]);
            assertTrue(lines[e].startsWith("epoch " + (e + 1) + "/3 - ") && lines[e].endsWith(expected),
                    lines[e] + " should end with " + expected);
        }
    }

    @Test
    void noLinesWhenTheLogIsOff() {
        Tensor x = Tensor.randn(1, 8, 3);
        DataLoader train = DataLoader.builder(new TensorDataset(x, x.sum(new int[] {1}, true))).batchSize(8).build();
        new Trainer(new Linear(3, 1, new SplittableRandom(2)), new Sgd(0.05), Losses::mse)
                .progress(false).epochLog(null).fit(train, null, 2);
        assertEquals(0, bytes.size());
    }
}

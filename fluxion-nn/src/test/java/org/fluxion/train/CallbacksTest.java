package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbacksTest {
    @TempDir
    Path dir;

    /** Runs a fake training loop over the given validation losses; returns the epochs run. */
    private static int run(Callback callback, double... valLosses) {
        callback.onTrainBegin();
        int epoch = 0;
        for (; epoch < valLosses.length; epoch++) {
            callback.onEpochBegin(epoch);
            callback.onBatchEnd(0, Map.of(History.TRAIN_LOSS, 1.0));
            callback.onEpochEnd(epoch, Map.of(History.TRAIN_LOSS, 1.0 / (epoch + 1), History.VAL_LOSS, valLosses[epoch],
                    History.VAL_ACCURACY, 1 - valLosses[epoch]));
            if (callback.shouldStop()) {
                epoch++;
                break;
            }
        }
        callback.onTrainEnd();
        return epoch;
    }

    @Test
    void earlyStoppingWithPatienceAndRestoreBestEvents() {
        List<String> events = new ArrayList<>();
        EarlyStopping stop = new EarlyStopping(History.VAL_LOSS, Monitor.Mode.MIN, 2, 0.01,
                new EarlyStopping.Listener() {
                    @Override
                    public void onImprovement(int epoch, double value) {
                        events.add("best " + epoch);
                    }

                    @Override
                    public void onRestoreBest(int bestEpoch, double bestValue) {
                        events.add("restore " + bestEpoch + " " + bestValue);
                    }
                });
        // 0.495 is better than 0.5 but by less than minDelta: it does not count.
        int epochs = run(stop, 0.9, 0.5, 0.495, 0.6, 0.1, 0.1);
        assertEquals(4, epochs);
        assertEquals(3, stop.stoppedEpoch());
        assertEquals(1, stop.bestEpoch());
        assertEquals(List.of("best 0", "best 1", "restore 1 0.5"), events);
    }

    @Test
    void maximizeModeAndNoRestoreWhenTheLastEpochIsBest() {
        List<String> events = new ArrayList<>();
        EarlyStopping stop = new EarlyStopping(History.VAL_ACCURACY, Monitor.Mode.MAX, 1, 0,
                new EarlyStopping.Listener() {
                    @Override
                    public void onRestoreBest(int bestEpoch, double bestValue) {
                        events.add("restore");
                    }
                });
        assertEquals(3, run(stop, 0.5, 0.4, 0.3));
        assertFalse(stop.shouldStop());
        assertEquals(List.of(), events);
        assertEquals(2, run(stop, 0.5, 0.6), "reusable: onTrainBegin resets");
        assertEquals(0, stop.bestEpoch());
        assertTrue(stop.shouldStop());
    }

    @Test
    void nanNeverImproves() {
        EarlyStopping stop = EarlyStopping.minimize(History.VAL_LOSS, 2);
        assertEquals(3, run(stop, 0.5, Double.NaN, Double.NaN, 0.1));
        assertEquals(0, stop.bestEpoch());
    }

    @Test
    void missingMetricIsAClearError() {
        EarlyStopping stop = EarlyStopping.minimize("valLos", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(stop, 0.5));
        assertTrue(e.getMessage().contains("'valLos' is not in the epoch logs"), e.getMessage());
    }

    @Test
    void historyRecordsEpochsAndWritesCsv() throws IOException {
        History history = new History();
        run(CallbackList.of(history, EarlyStopping.minimize(History.VAL_LOSS, 5)), 0.5, 0.25);
        assertEquals(2, history.size());
        assertArrayEquals(new double[] {1, 2}, history.epochNumbers()); // as on the console
        assertEquals(Set.of("loss", "val_loss", "val_accuracy"), history.names()); // Keras's keys
        assertArrayEquals(new double[] {0.5, 0.25}, history.series(History.VAL_LOSS));
        assertEquals(0.75, history.last(History.VAL_ACCURACY).orElseThrow());
        history.record(2, Map.of("lr", 0.01));
        assertTrue(Double.isNaN(history.series(History.VAL_LOSS)[2]));

        Path csv = dir.resolve("history.csv");
        history.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("epoch,"), lines.get(0));
        assertEquals(Set.of("epoch", "loss", "val_loss", "val_accuracy", "lr"), Set.of(lines.get(0).split(",")));
        assertTrue(lines.get(1).startsWith("1,"), lines.get(1));
        assertTrue(lines.get(3).startsWith("3,"), lines.get(3));
        assertTrue(lines.get(3).endsWith(",0.01"), lines.get(3));
    }

    @Test
    void callbackListStopsWhenAnyAsks() {
        Callback never = new Callback() { };
        Callback always = new Callback() {
            @Override
            public boolean shouldStop() {
                return true;
            }
        };
        assertTrue(CallbackList.of(never, always).shouldStop());
        assertFalse(CallbackList.of(never).shouldStop());
    }
}

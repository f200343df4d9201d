package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Sgd;
import org.junit.jupiter.api.Test;

/** Issue 18 item 8: Keras's ReduceLROnPlateau rules (factor, patience, cooldown, min_lr, min_delta). */
class ReduceLrOnPlateauTest {
    private static void run(ReduceLrOnPlateau reduce, double... valLosses) {
        reduce.onTrainBegin();
        for (int epoch = 0; epoch < valLosses.length; epoch++) {
            reduce.onEpochBegin(epoch);
            reduce.onEpochEnd(epoch, Map.of(History.TRAIN_LOSS, 1.0, History.VAL_LOSS, valLosses[epoch]));
        }
        reduce.onTrainEnd();
    }

    @Test
    void patienceCooldownAndFloorAsKeras() {
        Sgd sgd = new Sgd(1.0);
        ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(sgd, new Monitor(History.VAL_LOSS, Monitor.Mode.MIN, 0),
                0.5, 2, 1, 0.1);
        // Traced by hand through Keras's on_epoch_end: the cooldown counter goes down before the
        // improvement test, so the epoch where it reaches 0 already counts as one without improvement;
        // at the floor nothing is reduced and the count is not reset.
        run(reduce, 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85);
        assertEquals(List.of(new ReduceLrOnPlateau.Reduction(3, 1.0, 0.5), new ReduceLrOnPlateau.Reduction(5, 0.5, 0.25),
                new ReduceLrOnPlateau.Reduction(7, 0.25, 0.125), new ReduceLrOnPlateau.Reduction(10, 0.125, 0.1)),
                reduce.reductions());
        assertEquals(0.1, sgd.learningRate());
        assertEquals(0.8, reduce.bestValue());
    }

    @Test
    void minDeltaAndMaxModeAndPatienceZero() {
        Sgd sgd = new Sgd(0.01);
        ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(sgd, new Monitor(History.VAL_ACCURACY, Monitor.Mode.MAX, 0.01),
                0.1, 0, 0, 0);
        reduce.onTrainBegin();
        double[] accuracies = {0.5, 0.505, 0.6, 0.6};
        for (int e = 0; e < accuracies.length; e++) {
            reduce.onEpochEnd(e, Map.of(History.VAL_ACCURACY, accuracies[e]));
        }
        // 0.505 beats 0.5 by less than minDelta: with patience 0 that epoch reduces at once; so does the last.
        assertEquals(2, reduce.reductions().size(), reduce.reductions().toString());
        assertEquals(1, reduce.reductions().get(0).epoch());
        assertEquals(3, reduce.reductions().get(1).epoch());
        assertEquals(1e-4, sgd.learningRate(), 1e-18);
    }

    @Test
    void logsEachReduction() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReduceLrOnPlateau reduce = ReduceLrOnPlateau.withDefaults(new Sgd(0.1))
                .log(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        double[] flat = new double[12];
        java.util.Arrays.fill(flat, 1.0);
        run(reduce, flat);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("epoch 11: val_loss did not improve on 1.0000 for 10 epoch(s); learning rate 0.1000 -> 0.01000\n",
                text);
    }

    @Test
    void refusesAScheduleThatResetsTheRate() {
        Sgd sgd = new Sgd(0.1);
        ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(sgd, Monitor.of(History.VAL_LOSS), 0.5, 0, 0, 0);
        reduce.onTrainBegin();
        reduce.onEpochEnd(0, Map.of(History.VAL_LOSS, 1.0));
        reduce.onEpochEnd(1, Map.of(History.VAL_LOSS, 1.0));
        assertEquals(0.05, sgd.learningRate());
        LearningRateSchedule.constant(0.1).applyTo(sgd, 7);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> reduce.onEpochEnd(2, Map.of(History.VAL_LOSS, 1.0)));
        assertTrue(e.getMessage().contains("schedule") && e.getMessage().contains("epoch 3"), e.getMessage());
    }

    @Test
    void clearErrors() {
        Sgd sgd = new Sgd(0.1);
        assertThrows(IllegalArgumentException.class, () -> new ReduceLrOnPlateau(sgd, Monitor.of("val_loss"), 1.0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReduceLrOnPlateau(sgd, Monitor.of("val_loss"), 0.5, -1, 0, 0));
        ReduceLrOnPlateau reduce = new ReduceLrOnPlateau(sgd, Monitor.of("val_loss"), 0.5, 1, 0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reduce.onEpochEnd(0, Map.of(History.TRAIN_LOSS, 1.0)));
        assertTrue(e.getMessage().contains("'val_loss' is not in the epoch logs [loss] (is there a validation set?)"),
                e.getMessage());
    }

    @Test
    void autoModeFollowsKeras() {
        assertEquals(Monitor.Mode.MAX, Monitor.of("val_accuracy").mode());
        assertEquals(Monitor.Mode.MAX, Monitor.of("auc").mode());
        assertEquals(Monitor.Mode.MIN, Monitor.of("val_loss").mode());
        assertEquals(Monitor.Mode.MIN, Monitor.of("mae").mode());
    }
}

package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps. */
class LearningRateScheduleTest {
    private static void assertValues(LearningRateSchedule s, double... expected) {
        for (int step = 0; step < expected.length; step++) {
            assertEquals(expected[step], s.at(step), 1e-12, "step " + step);
        }
    }

    @Test
    void stepAndExponential() {
        assertValues(LearningRateSchedule.step(0.1, 2, 0.5), 0.1, 0.1, 0.05, 0.05, 0.025);
        assertValues(LearningRateSchedule.exponential(1, 0.9), 1, 0.9, 0.81, 0.729);
        assertValues(LearningRateSchedule.constant(0.3), 0.3, 0.3);
    }

    @Test
    void cosine() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1, 10, 0.1);
        assertEquals(1, s.at(0), 1e-12);
        assertEquals(0.55, s.at(5), 1e-12);
        assertEquals(0.1 + 0.9 * (1 + Math.cos(Math.PI * 0.3)) / 2, s.at(3), 1e-12);
        assertEquals(0.1, s.at(10), 1e-12);
        assertEquals(0.1, s.at(25), 1e-12);
    }

    @Test
    void warmupThenAnother() {
        assertValues(LearningRateSchedule.warmup(4, LearningRateSchedule.step(1, 2, 0.5)),
                0.25, 0.5, 0.75, 1, 1, 1, 0.5, 0.5, 0.25);
    }

    @Test
    void appliesToAnOptimizer() {
        Optimizer opt = new Sgd(1);
        LearningRateSchedule.exponential(1, 0.5).applyTo(opt, 3);
        assertEquals(0.125, opt.learningRate(), 0);
    }
}

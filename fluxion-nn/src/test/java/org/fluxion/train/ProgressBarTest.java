package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rendersBarLossRateAndEta() {
        ProgressBar bar = new ProgressBar("epoch 1/5", 600, out, false, 10, 120, nanos::get);
        nanos.set(3_000_000_000L);
        bar.step(270, 0.5);
        // One step of 270 units in 3 s: 90 units/s, 330 left take 3.7 s; the bar is at its widest (30).
        assertEquals("epoch 1/5 [=============>                ]  45% 270/600  loss 0.5000    90.0 it/s  3.0s < 3.7s",
                bar.render(nanos.get()));
    }

    @Test
    void linesFitTheTerminalNarrowingTheBarThenDroppingTheRateThenTheBar() {
        ProgressBar wide = bar(100);
        // 80 columns: the line takes 79 at most, so that the terminal never wraps it.
        String at80 = bar(80).render(nanos.get());
        assertEquals(79, at80.length(), at80);
        assertTrue(at80.contains("it/s") && at80.contains("[===="), at80);
        assertTrue(wide.render(nanos.get()).contains("[" + "=".repeat(13) + ">"), "30 wide at 100 columns");
        String at62 = bar(62).render(nanos.get());
        assertTrue(at62.length() <= 61 && at62.contains("[===>") && !at62.contains("it/s"), at62);
        String at40 = bar(40).render(nanos.get());
        assertTrue(at40.length() <= 39 && !at40.contains("["), at40);
        assertTrue(at40.startsWith("epoch 10/10  45% 270/600  loss"), at40);
        for (int columns = 20; columns <= 200; columns++) {
            String line = bar(columns).render(nanos.get());
            assertTrue(line.length() < columns, columns + " columns: " + line);
        }
    }

    /** A bar of the given width after 270 of 600 steps in 3 s. */
    private ProgressBar bar(int columns) {
        nanos.set(0);
        ProgressBar bar = new ProgressBar("epoch 10/10", 600, out, true, 10, columns, nanos::get);
        nanos.set(3_000_000_000L);
        bar.step(270, 12.345678);
        return bar;
    }

    @Test
    void terminalRedrawsNeverExceedTheWidthNorLeaveAStaleTail() {
        try (ProgressBar bar = new ProgressBar("epoch 1/1", 1000, out, true, 10, 50, nanos::get)) {
            for (int i = 0; i < 1000; i++) {
                nanos.addAndGet(i < 10 ? 2_000_000_000L : 1_000_000L);
                bar.step(1, 1000.0 / (i + 1));
            }
        }
        for (String state : text().split("\r")) {
            assertTrue(state.strip().length() < 50 && state.replace("\n", "").length() < 50, "[" + state + "]");
        }
    }

    @Test
    void theBarOnlyNarrowsSoThatItDoesNotJitter() {
        try (ProgressBar bar = new ProgressBar("epoch 1/1", 50, out, true, 10, 80, nanos::get)) {
            for (int i = 0; i < 50; i++) {
                nanos.addAndGet(300_000_000L);
                bar.step(1, 0.25);
            }
            bar.startValidation(20);
            for (int i = 0; i < 20; i++) {
                nanos.addAndGet(300_000_000L);
                bar.validationStep();
            }
        }
        int previous = Integer.MAX_VALUE;
        String[] states = text().split("\r");
        assertTrue(states.length > 60, states.length + " states");
        for (String state : states) {
            if (state.isEmpty()) {
                continue;
            }
            int width = state.indexOf(']') - state.indexOf('[') - 1;
            assertTrue(width <= previous && width >= 6, width + " after " + previous + ": " + state);
            previous = width;
        }
    }

    @Test
    void terminalColumnsComeFromTheEnvironmentOr80() {
        assertEquals(132, ProgressBar.terminalColumns(Map.of("COLUMNS", "132")));
        assertEquals(80, ProgressBar.terminalColumns(Map.of()));
        assertEquals(80, ProgressBar.terminalColumns(Map.of("COLUMNS", "wide")));
        assertEquals(80, ProgressBar.terminalColumns(Map.of("COLUMNS", "3")));
    }

    @Test
    void etaForgetsSlowFirstSteps() {
        // The first step takes 10 s (JIT warm-up), the next 59 take 0.1 s each: 40 steps of 0.1 s remain.
        ProgressBar bar = new ProgressBar("train", 100, out, false, 100, 80, nanos::get);
        nanos.addAndGet(10_000_000_000L);
        bar.step(1);
        assertEquals(10.0, bar.secondsPerUnit(), 1e-9, "the first estimate is the first step (bias corrected)");
        for (int i = 0; i < 59; i++) {
            nanos.addAndGet(100_000_000L);
            bar.step(1);
        }
        // elapsed / done would say 15.9 s / 60 = 0.27 s per step: an ETA of 10.6 s where 4 s is right.
        assertEquals(0.1, bar.secondsPerUnit(), 0.001);
        String line = bar.render(nanos.get());
        assertTrue(line.endsWith("15.9s < 4.0s"), line);
        assertTrue(line.contains("10.0 it/s"), line);
    }

    @Test
    void slowStepsShowSecondsPerStep() {
        ProgressBar bar = new ProgressBar("train", 10, out, false, 100, 80, nanos::get);
        nanos.addAndGet(2_500_000_000L);
        bar.step(1);
        assertTrue(bar.render(nanos.get()).contains("     2.5 s/it  "), bar.render(nanos.get()));
    }

    @Test
    void validationProgressOnTheSameLine() {
        try (ProgressBar bar = new ProgressBar("epoch 1/2", 4, out, true, 10, 80, nanos::get)) {
            for (int i = 0; i < 4; i++) {
                nanos.addAndGet(200_000_000L);
                bar.step(1, 0.5);
            }
            bar.startValidation(3);
            nanos.addAndGet(200_000_000L);
            bar.validationStep();
            assertTrue(bar.render(nanos.get()).endsWith("100% 4/4  loss 0.5000     5.0 it/s  1.0s  val 1/3"),
                    bar.render(nanos.get()));
            nanos.addAndGet(200_000_000L);
            bar.validationStep();
            nanos.addAndGet(200_000_000L);
            bar.validationStep();
        }
        String t = text();
        assertTrue(t.endsWith("val 3/3\n"), t);
        assertEquals(1, t.split("\n").length, "one line on a terminal: " + t);
        assertThrows(IllegalStateException.class,
                () -> new ProgressBar("x", 1, out, true, 10, 80, nanos::get).validationStep());
    }

    @Test
    void nonTerminalOutputDoesNotLogValidationLineByLine() {
        try (ProgressBar bar = new ProgressBar("epoch 1/2", 2, out, false, 10, 80, nanos::get)) {
            bar.step(1);
            bar.step(1);
            bar.startValidation(5);
            for (int i = 0; i < 5; i++) {
                bar.validationStep();
            }
        }
        assertEquals(2, text().split("\n").length, text());
    }

    @Test
    void metricsAndDurations() {
        assertEquals("0.5000", ProgressBar.metric(0.5));
        assertEquals("0.0000", ProgressBar.metric(0));
        assertEquals("1.000e-05", ProgressBar.metric(1e-5));
        assertEquals("NaN", ProgressBar.metric(Double.NaN));
    }

    @Test
    void nonTerminalPrintsOneLinePerTenPercentWithoutCarriageReturns() {
        try (ProgressBar bar = new ProgressBar("train", 100, out, false, 10, 80, nanos::get)) {
            for (int i = 0; i < 100; i++) {
                nanos.addAndGet(10_000_000L);
                bar.step(1, 1.0 / (i + 1));
            }
            assertEquals(0.05187, bar.runningLoss(), 1e-5);
        }
        String[] lines = text().split("\n");
        assertEquals(10, lines.length, text());
        assertFalse(text().contains("\r"));
        assertTrue(lines[0].contains(" 10%  10/100"), lines[0]);
        assertTrue(lines[9].contains("100% 100/100"), lines[9]);
        assertTrue(lines[4].contains(" < "), "ETA while running: " + lines[4]);
    }

    @Test
    void bigStepsPrintOneLineEach() {
        try (ProgressBar bar = new ProgressBar("train", 10, out, false, 10, 80, nanos::get)) {
            bar.step(7);
            bar.step(2);
        }
        String[] lines = text().split("\n");
        assertEquals(3, lines.length, text());
        assertTrue(lines[0].contains(" 70%"), lines[0]);
        assertTrue(lines[2].contains(" 90%  9/10"), "close prints the unfinished state: " + lines[2]);
    }

    @Test
    void terminalRedrawsInPlaceAtMostTenTimesASecond() {
        try (ProgressBar bar = new ProgressBar("train", 1000, out, true, 10, 80, nanos::get)) {
            for (int i = 0; i < 1000; i++) {
                nanos.addAndGet(1_000_000L);
                bar.step(1);
            }
        }
        String t = text();
        long redraws = t.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 10 && redraws <= 13, redraws + " redraws");
        assertTrue(t.endsWith("\n"));
        assertEquals(1, t.split("\n").length);
    }

    @Test
    void durations() {
        assertEquals("3.2s", ProgressBar.duration(3.21));
        assertEquals("4:05", ProgressBar.duration(245));
        assertEquals("1:02:03", ProgressBar.duration(3723));
    }
}

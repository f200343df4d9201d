package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        ProgressBar bar = new ProgressBar("epoch 1/5", 600, out, false, 10, nanos::get);
        bar.step(270, 0.5);
        nanos.set(3_000_000_000L);
        assertEquals("epoch 1/5 [=========>          ]  45% 270/600  loss 0.5000  90.0 it/s  3.0s < 3.7s",
                bar.render(nanos.get()));
    }

    @Test
    void nonTerminalPrintsOneLinePerTenPercentWithoutCarriageReturns() {
        try (ProgressBar bar = new ProgressBar("train", 100, out, false, 10, nanos::get)) {
            for (int i = 0; i < 100; i++) {
                nanos.addAndGet(10_000_000L);
                bar.step(1, 1.0 / (i + 1));
            }
            assertEquals(0.05187, bar.runningLoss(), 1e-5);
        }
        String[] lines = text().split("\n");
        assertEquals(10, lines.length, text());
        assertFalse(text().contains("\r"));
        assertTrue(lines[0].contains(" 10% 10/100"), lines[0]);
        assertTrue(lines[9].contains("100% 100/100"), lines[9]);
        assertTrue(lines[4].contains(" < "), "ETA while running: " + lines[4]);
    }

    @Test
    void bigStepsPrintOneLineEach() {
        try (ProgressBar bar = new ProgressBar("train", 10, out, false, 10, nanos::get)) {
            bar.step(7);
            bar.step(2);
        }
        String[] lines = text().split("\n");
        assertEquals(3, lines.length, text());
        assertTrue(lines[0].contains(" 70%"), lines[0]);
        assertTrue(lines[2].contains(" 90% 9/10"), "close prints the unfinished state: " + lines[2]);
    }

    @Test
    void terminalRedrawsInPlaceAtMostTenTimesASecond() {
        try (ProgressBar bar = new ProgressBar("train", 1000, out, true, 10, nanos::get)) {
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

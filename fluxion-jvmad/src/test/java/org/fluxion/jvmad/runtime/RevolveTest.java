package org.fluxion.jvmad.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The binomial schedule on a state that counts its own steps: every step is turned exactly once, last
 * to first, from the state it had in the forward; at most the budget's copies are held; no step runs
 * more than r + 1 times; the state ends as the forward left it.
 */
class RevolveTest {
    /** Runs the schedule for n steps with s snapshots; returns the steps run in the reverse sweep. */
    private static long reverse(int n, int s) {
        long[] state = {0, 7};
        Revolve r = Revolve.begin(s);
        Revolve.track(r, state);
        Revolve.saveEntry(r);
        for (int i = 0; i < n; i++) {
            state[0]++;
            state[1] = state[1] * 31 + i;
        }
        long finalHash = state[1];
        Revolve.plan(r, n);
        long expected = n - 1;
        long maxHeld = 0;
        long[] runs = new long[n];
        for (int a = Revolve.next(r); a != Revolve.DONE; a = Revolve.next(r)) {
            maxHeld = Math.max(maxHeld, r.heldValues());
            int steps = a == Revolve.TURN ? 1 : a;
            if (a == Revolve.TURN) {
                assertEquals(expected, state[0], "turned step (n=" + n + ", s=" + s + ")");
                expected--;
            }
            for (int k = 0; k < steps; k++) {
                runs[(int) state[0]]++;
                state[1] = state[1] * 31 + state[0];
                state[0]++;
            }
        }
        assertEquals(-1, expected, "every step turned");
        assertEquals(n, state[0], "state restored");
        assertEquals(finalHash, state[1], "state restored");
        // Entry snapshot + s snapshots + the final state's copy, 2 values each.
        assertTrue(maxHeld <= 2L * (s + 2), "held " + maxHeld + " values with s=" + s);
        int reps = Revolve.repetitions(n, s);
        for (int i = 0; i < n; i++) {
            assertTrue(runs[i] <= reps + 1, "step " + i + " ran " + runs[i] + " times, bound " + (reps + 1));
        }
        assertEquals(r.stepsRun(), java.util.Arrays.stream(runs).sum());
        return r.stepsRun();
    }

    @Test
    void everyStepTurnedOnceFromItsOwnState() {
        for (int n : new int[] {1, 2, 3, 5, 10, 37, 100, 1000}) {
            for (int s : new int[] {0, 1, 2, 3, 5, 10}) {
                if (s == 0 && n > 100) {
                    continue;
                }
                reverse(n, s);
            }
        }
    }

    @Test
    void recomputationFollowsTheBinomialBound() {
        // 10^5 steps, 10 snapshots: r = 10 (C(20, 10) = 184756), so at most 11 runs per step.
        assertEquals(10, Revolve.repetitions(100_000, 10));
        long run = reverse(100_000, 10);
        assertTrue(run <= 11L * 100_000, "ran " + run);
        // Enough snapshots for every step: each step runs once (its turn), plus the advances to save.
        assertEquals(184_756, Revolve.beta(10, 10));
        assertEquals(1, Revolve.beta(0, 7));
    }
}

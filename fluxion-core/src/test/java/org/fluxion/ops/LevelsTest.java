package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-thread stack of active traces and vmaps: nesting, and an unbalanced exit named at once. */
class LevelsTest {
    @Test
    void levelsNestAndAnUnbalancedExitIsRefused() {
        assertEquals(-1, Levels.top());
        assertFalse(Levels.active());
        for (int l = 0; l < 12; l++) { // past the stack's first capacity
            Levels.enter(l);
        }
        assertTrue(Levels.active());
        assertEquals(11, Levels.top());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Levels.exit(3));
        assertTrue(e.getMessage().contains("exiting level 3 but the innermost is 11"), e.getMessage());
        for (int l = 11; l >= 0; l--) {
            Levels.exit(l);
        }
        assertEquals(-1, Levels.top());
        assertThrows(IllegalStateException.class, () -> Levels.exit(0));
    }
}

package org.fluxion.autodiff;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Grad-mode scopes must be closed innermost first (issue 9, item 16: closing them out of order silently
 * left recording off).
 */
class GradModeTest {
    @Test
    void closingAScopeOutOfOrderThrowsAndChangesNothing() {
        GradMode.Scope outer = GradMode.noGrad();
        GradMode.Scope inner = GradMode.enableGrad();
        var e = assertThrows(IllegalStateException.class, outer::close);
        assertMessage(e, "GradMode", "out of order", "number 1 of the 2");
        assertTrue(GradMode.isEnabled(), "the inner scope's mode is still in force");
        // Closing in the right order afterwards restores everything.
        inner.close();
        assertFalse(GradMode.isEnabled());
        outer.close();
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void closingTwiceIsHarmless() {
        GradMode.Scope outer = GradMode.noGrad();
        GradMode.Scope inner = GradMode.noGrad();
        inner.close();
        inner.close();
        assertFalse(GradMode.isEnabled());
        outer.close();
        outer.close();
        assertTrue(GradMode.isEnabled());
        try (var again = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void closingOnAnotherThreadThrows() throws Exception {
        GradMode.Scope scope = GradMode.noGrad();
        try {
            var e = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(scope::close).get());
            assertMessage(e.getCause(), "GradMode", "thread");
            assertFalse(GradMode.isEnabled());
        } finally {
            scope.close();
        }
        assertTrue(GradMode.isEnabled());
    }
}

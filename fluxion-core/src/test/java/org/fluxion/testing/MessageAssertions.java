package org.fluxion.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on the text of exceptions: errors are part of the API. */
public final class MessageAssertions {
    private MessageAssertions() {
    }

    /** Fails unless the message of {@code e} contains every one of {@code parts}. */
    public static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }
}

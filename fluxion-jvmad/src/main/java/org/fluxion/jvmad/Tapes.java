package org.fluxion.jvmad;

import org.fluxion.jvmad.runtime.Tape;

/** One tape per thread, reused by every derivative call on that thread (its arrays keep their capacity). */
final class Tapes {
    private static final ThreadLocal<Tape> TAPE = ThreadLocal.withInitial(Tape::new);

    private Tapes() {
    }

    /** This thread's tape, emptied. */
    static Tape acquire() {
        Tape t = TAPE.get();
        t.reset();
        return t;
    }

    /** Checks that a generated entry point left the tape empty, as every balanced push and pop does. */
    static void release(Tape t, String what) {
        if (!t.isEmpty()) {
            String sizes = t.sizes();
            t.reset();
            throw new IllegalStateException("internal error: " + what + " left values on the tape (" + sizes + ")");
        }
    }
}

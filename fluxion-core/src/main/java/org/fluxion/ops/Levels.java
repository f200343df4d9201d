package org.fluxion.ops;

/**
 * The transformations that run a function on abstract tensors (jit's traces, vmap's batch interpreters),
 * active on this thread, innermost last: autodidax's dynamic trace stack. A new one's {@link Interpreter#level}
 * is one more than the innermost's, so that an operation mixing their tensors goes to the one opened last
 * (a loop body traced inside a vmap records the operation and captures the batched tensor; a vmap inside a
 * trace batches and the trace records the batched operation).
 */
public final class Levels {
    /** Active levels, innermost at {@code size - 1}. */
    private static final class Stack {
        int[] levels = new int[8];
        int size;
    }

    private static final ThreadLocal<Stack> STACK = ThreadLocal.withInitial(Stack::new);

    private Levels() {
    }

    /** The level of the innermost active transformation, or -1 when none is active. */
    public static int top() {
        Stack s = STACK.get();
        return s.size == 0 ? -1 : s.levels[s.size - 1];
    }

    /** True while a function runs on abstract tensors on this thread (under jit's tracing or vmap). */
    public static boolean active() {
        return STACK.get().size > 0;
    }

    /** Makes {@code level} the innermost active one, until the matching {@link #exit}. */
    public static void enter(int level) {
        Stack s = STACK.get();
        if (s.size == s.levels.length) {
            s.levels = java.util.Arrays.copyOf(s.levels, 2 * s.size);
        }
        s.levels[s.size++] = level;
    }

    /**
     * Ends the innermost active level, which must be {@code level}.
     *
     * @throws IllegalStateException when another level is innermost (an unbalanced enter/exit)
     */
    public static void exit(int level) {
        Stack s = STACK.get();
        if (s.size == 0 || s.levels[s.size - 1] != level) {
            throw new IllegalStateException("Levels: exiting level " + level + " but the innermost is "
                    + (s.size == 0 ? "none" : s.levels[s.size - 1]));
        }
        s.size--;
    }
}

package org.fluxion.autodiff;

/**
 * Whether operations on tensors that require a gradient are recorded for reverse mode, per thread.
 *
 * <p>Scopes are opened with try-with-resources and restore the previous state when closed, so they nest:
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     w.subInPlace(w.grad().mul(0.1));   // an optimizer step: not recorded, in-place allowed
 * }
 * }</pre>
 * Grad mode does not affect forward mode: tangents still travel with values under {@code noGrad}.
 *
 * <p>Closing a scope that is not the innermost open one (or closing it on another thread) throws
 * {@link IllegalStateException} and changes nothing: restoring its state then would leave the wrong mode
 * in force once the others close (recording silently off). Closing a scope twice is a no-op.
 */
public final class GradMode {
    private GradMode() {
    }

    /** True when the current thread records operations (the default). */
    public static boolean isEnabled() {
        return AutodiffState.current().gradEnabled;
    }

    /** Turns recording off until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Turns recording on until the returned scope is closed (e.g. inside a {@link #noGrad} scope). */
    public static Scope enableGrad() {
        return set(true);
    }

    /** Sets recording on or off until the returned scope is closed. */
    public static Scope set(boolean enabled) {
        AutodiffState state = AutodiffState.current();
        Scope scope = new Scope(state, state.gradEnabled, ++state.gradScopes);
        state.gradEnabled = enabled;
        return scope;
    }

    /** Restores the grad mode that was in force when the scope was opened. */
    public static final class Scope implements AutoCloseable {
        private final AutodiffState state;
        private final boolean previous;
        /** 1 for the outermost scope of the thread, 2 for one opened inside it, ... */
        private final int depth;
        private boolean closed;

        private Scope(AutodiffState state, boolean previous, int depth) {
            this.state = state;
            this.previous = previous;
            this.depth = depth;
        }

        /**
         * Restores the previous mode.
         *
         * @throws IllegalStateException when scopes opened inside this one are still open, or when called
         *                               on another thread than the one that opened the scope
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (AutodiffState.current() != state) {
                throw new IllegalStateException("GradMode: a scope opened on one thread was closed on thread '"
                        + Thread.currentThread().getName() + "'; grad mode is per thread, so close each scope on "
                        + "the thread that opened it");
            }
            if (state.gradScopes != depth) {
                throw new IllegalStateException("GradMode: scopes closed out of order: this scope is number " + depth
                        + " of the " + state.gradScopes + " open on this thread, so " + (state.gradScopes - depth)
                        + " opened inside it must be closed first (closing it now would leave the wrong grad mode "
                        + "in force); close scopes in the reverse order of opening, as try-with-resources does");
            }
            closed = true;
            state.gradScopes--;
            state.gradEnabled = previous;
        }
    }
}

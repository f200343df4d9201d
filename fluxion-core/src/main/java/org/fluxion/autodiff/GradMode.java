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
        Scope scope = new Scope(state, state.gradEnabled);
        state.gradEnabled = enabled;
        return scope;
    }

    /** Restores the grad mode that was in force when the scope was opened. */
    public static final class Scope implements AutoCloseable {
        private final AutodiffState state;
        private final boolean previous;

        private Scope(AutodiffState state, boolean previous) {
            this.state = state;
            this.previous = previous;
        }

        @Override
        public void close() {
            state.gradEnabled = previous;
        }
    }
}

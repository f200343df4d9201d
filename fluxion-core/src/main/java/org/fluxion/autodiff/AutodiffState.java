package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-thread state of autodiff: the grad-mode flag and the stack of active forward-mode levels.
 * Only tensors that carry autograd metadata ever look at it, so plain tensor code never pays for the
 * thread-local lookup.
 */
final class AutodiffState {
    private static final ThreadLocal<AutodiffState> CURRENT = ThreadLocal.withInitial(AutodiffState::new);

    boolean gradEnabled = true;
    /** Number of open {@link GradMode} scopes: only the innermost may be closed. */
    int gradScopes;
    /** Forward-mode levels, outermost first. */
    final List<ForwardLevel> levels = new ArrayList<>();
    /**
     * Levels at index >= visible are hidden: while the JVP rule of level k runs, level k and those inside
     * it are hidden, so the rule's own operations are seen only by outer levels (no perturbation
     * confusion, no infinite regress).
     */
    int visible;

    static AutodiffState current() {
        return CURRENT.get();
    }
}

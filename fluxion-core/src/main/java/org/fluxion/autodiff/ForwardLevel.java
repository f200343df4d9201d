package org.fluxion.autodiff;

/**
 * One forward-mode (dual number) level. Each {@link Functional#jvp} call opens one; nested calls open
 * inner levels, so that {@code jvp} of a function that itself calls {@code jvp} keeps the two
 * perturbations apart. A tangent attached at a level that has closed is ignored.
 */
final class ForwardLevel {
    final int depth;
    boolean active = true;

    ForwardLevel(int depth) {
        this.depth = depth;
    }
}

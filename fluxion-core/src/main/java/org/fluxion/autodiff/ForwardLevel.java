package org.fluxion.autodiff;

/**
 * One forward-mode (dual number) level: an identity token, nothing more. Each {@link Functional#jvp}
 * call opens one; nested calls open inner levels, so that {@code jvp} of a function that itself calls
 * {@code jvp} keeps the two perturbations apart. A tangent attached at a level that has closed is
 * ignored because {@link Dispatch} looks tangents up only at the levels still on
 * {@link AutodiffState#levels}.
 */
final class ForwardLevel {
}

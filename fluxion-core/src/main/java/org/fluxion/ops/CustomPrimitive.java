package org.fluxion.ops;

/**
 * The open door of the {@link Primitive} hierarchy for users: a function with rules of its own, such as
 * {@link org.fluxion.autodiff.CustomRule} (what {@code Functional.custom} binds) or a primitive a user
 * writes to wrap an external kernel. Anyone may implement it; like every primitive it must state each
 * rule without a default, its batching rule included ({@link Batching#byLoop} when nothing better is
 * known).
 */
public non-sealed interface CustomPrimitive extends Primitive {
}

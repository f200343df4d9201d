/**
 * What the fused-kernel primitives of this module share: {@link org.fluxion.nn.fused.CompositeRules}, their
 * forward-mode and higher-order derivatives taken from a composite of primitives that computes the same
 * function (the kernel is fast, the composite differentiable to any order).
 */
package org.fluxion.nn.fused;

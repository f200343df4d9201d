/**
 * Normalization as fused primitives: {@link org.fluxion.nn.normalization.LayerNormPrimitive} (one pass per row
 * forward) and {@link org.fluxion.nn.normalization.LayerNormBackward} (one pass per row backward), kernels in
 * float32 and float64, and the formula in primitives they are tested against and take their higher-order
 * derivatives from ({@link org.fluxion.nn.normalization.LayerNormReference}).
 */
package org.fluxion.nn.normalization;

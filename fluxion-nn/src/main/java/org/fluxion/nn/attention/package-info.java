/**
 * Scaled dot-product attention: {@link org.fluxion.nn.attention.Attention} (PyTorch's
 * {@code scaled_dot_product_attention}), the fused FlashAttention primitives that never form the
 * {@code [Tq, Tk]} score matrix ({@link org.fluxion.nn.attention.FlashAttention},
 * {@link org.fluxion.nn.attention.FlashAttentionBackward}, tiled kernels in float32 and float64), and the
 * textbook formula they are tested against and take their higher-order derivatives from
 * ({@link org.fluxion.nn.attention.AttentionReference}).
 */
package org.fluxion.nn.attention;

/**
 * Optimizers as pure functions over trees ({@link org.fluxion.optim.GradientTransformation}, Optax's
 * {@code init}/{@code update}, with the building blocks and the familiar optimizers in
 * {@link org.fluxion.optim.Transformations}), and the eager optimizers computed through them, whose state lives
 * outside the model by parameter name ({@link org.fluxion.optim.Sgd}, {@link org.fluxion.optim.Adam},
 * {@link org.fluxion.optim.AdamW}, {@link org.fluxion.optim.RmsProp}, {@link org.fluxion.optim.Adagrad});
 * learning-rate schedules and gradient clipping. Row-sparse gradients (an {@code EmbeddingBag}'s) are applied
 * to the rows they touch only by {@link org.fluxion.optim.SparseSgd}, {@link org.fluxion.optim.SparseAdagrad} and
 * {@link org.fluxion.optim.SparseAdam} ({@link org.fluxion.optim.SparseOptimizer}).
 */
package org.fluxion.optim;

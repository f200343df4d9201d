/**
 * Models as data (Flux, Equinox): a layer is an immutable record whose tensors are a tree plus one pure
 * {@link org.fluxion.models.Layer#apply(org.fluxion.tensor.Tensor, org.fluxion.models.Context)}, so
 * {@code Tree}, {@code treeGrad}, {@code jit}, {@code vmap} and checkpoints take any model unchanged.
 * State that is not trained (batch normalization's running statistics) is returned by {@code apply} as a new
 * layer, never mutated; randomness (dropout) comes from an explicit int64 key in the
 * {@link org.fluxion.models.Context}, so a compiled training step is reproducible.
 * {@link org.fluxion.models.Models} splits a model into its trainable parameters and puts them back, and
 * prints its summary; {@link org.fluxion.models.Layers#of} gives the functional form of an eager
 * {@code org.fluxion.nn.Module}.
 */
package org.fluxion.models;

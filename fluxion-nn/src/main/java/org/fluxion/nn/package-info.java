/**
 * Neural-network modules: a {@link org.fluxion.nn.Module} is plain data (parameters, buffers, children)
 * plus one {@code apply} method, with named parameters for optimizers and checkpoints and train/eval
 * modes. Layers ({@link org.fluxion.nn.Linear}, {@link org.fluxion.nn.Conv2d}, pooling, normalization,
 * {@link org.fluxion.nn.Embedding}, {@link org.fluxion.nn.EmbeddingBag} (whose gradient may be row-sparse),
 * {@link org.fluxion.nn.Dropout}, {@link org.fluxion.nn.Sequential},
 * {@link org.fluxion.nn.Residual}), activations, initializers, regularization and losses. Sequence layers:
 * {@link org.fluxion.nn.Rnn}, {@link org.fluxion.nn.Lstm}, {@link org.fluxion.nn.Gru} (PyTorch's weight
 * names and gate order, padded sequences through lengths, a {@code scan} under jit).
 */
package org.fluxion.nn;

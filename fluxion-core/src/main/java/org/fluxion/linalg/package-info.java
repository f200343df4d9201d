/**
 * Dense linear algebra with derivatives ({@code torch.linalg} / {@code jax.numpy.linalg} semantics): solves,
 * factorizations, inverses, determinants, norms, the matrix exponential and einsum, on float32 and float64
 * stacks of matrices {@code [..., n, m]} whose leading dimensions are a batch. {@link org.fluxion.linalg.Linalg}
 * holds the functions; the primitives behind them, with their JVP, VJP and batching rules, are the
 * {@link org.fluxion.ops.LinalgPrimitive}s of the rule table, and their kernels are in
 * {@code org.fluxion.kernels}.
 *
 * <p>Failures are exceptions naming the operation and the batch element: {@link org.fluxion.ops.SingularMatrixException},
 * {@link org.fluxion.ops.NotPositiveDefiniteException}.
 *
 * <p>Dependencies: tensor and ops.
 */
package org.fluxion.linalg;

/**
 * CPU kernels on Java arrays: GEMM (packed, vectorized {@code Sgemm} and {@code Dgemm}), dense linear algebra in
 * float64 (blocked LU, Cholesky and triangular solves on that GEMM; Householder QR; symmetric eigenvalues by
 * tridiagonal QR; SVD by one-sided Jacobi; the matrix exponential),
 * convolution and pooling (float32 fast paths, float64 reference kernels), strided copies, gather and
 * scatter-add, reductions, {@link org.fluxion.kernels.ScalarMath} and {@link org.fluxion.kernels.VectorMath}
 * (the one formula of each transcendental function, scalar and vector forms with the same operations, so
 * results do not depend on warm-up or the thread count) and {@link org.fluxion.kernels.Parallel} (the worker
 * team).
 *
 * <p>The Vector API is optional: {@link org.fluxion.kernels.Vectorization} says whether the JVM can read
 * {@code jdk.incubator.vector}; classes that touch its types are reached only when it can, and the others run
 * plain-Java loops otherwise.
 *
 * <p>Kernels take arrays, offsets, strides and shapes ({@link org.fluxion.kernels.Strided}), never tensors,
 * and depend on no other Fluxion package.
 */
package org.fluxion.kernels;

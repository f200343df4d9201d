/**
 * Sparse matrices: {@link org.fluxion.sparse.CooMatrix} (coordinate list) and
 * {@link org.fluxion.sparse.CsrMatrix} (compressed rows), float32 or float64 values and int64 indices, with
 * products against dense matrices, scaling, sums, row slicing and selection (mini-batches) and
 * concatenation. The values are an ordinary dense tensor {@code [nnz]}: gradients reach it and the dense
 * operands through the primitives {@link org.fluxion.ops.SparseMatMul} and {@link org.fluxion.ops.SampledDot}
 * (PyTorch's {@code torch.sparse.mm} semantics), and through differentiable slicing and gathering of the
 * values; the indices never get a gradient.
 *
 * <p>Dependencies: tensor, ops, kernels.
 */
package org.fluxion.sparse;

/**
 * The primitive table: each {@link org.fluxion.ops.Primitive} (a record carrying its static parameters) states
 * its shape/dtype rule, its kernel, its VJP and JVP rules, what its VJP reads and its batching rule (vmap;
 * {@link org.fluxion.ops.Batching#byLoop} when it is batched one example at a time). {@code Primitive} is
 * sealed: users' rules implement {@link org.fluxion.ops.CustomPrimitive}, what only the compiler creates
 * {@link org.fluxion.ops.CompilerPrimitive};
 * {@link org.fluxion.ops.Ops#bind} is the single entry point that applies one ({@link org.fluxion.ops.Ops#bindAll}
 * for a {@link org.fluxion.ops.MultiOutput} primitive of several outputs, such as {@link org.fluxion.ops.Split}
 * and {@link org.fluxion.ops.TopK}). The elementwise families are
 * enums ({@link org.fluxion.ops.UnaryOp}, {@link org.fluxion.ops.BinaryOp}, {@link org.fluxion.ops.ReduceOp})
 * whose constants hold one formula each. Classes named by what they group ({@code Reductions},
 * {@code Views}, {@code Indexing}, {@code Sorting}, {@code Convolutions}, {@code LinearAlgebra}...) are the functional forms
 * behind {@link org.fluxion.tensor.Tensor}'s methods, including composites built from primitives.
 *
 * <p>The dense linear algebra ({@link org.fluxion.ops.LinalgPrimitive}: solve, triangular solve, Cholesky, LU, QR,
 * eigh, SVD, inverse, determinants, pseudo-inverse, matrix exponential) works on stacks of matrices whose leading
 * dimensions are a batch; its failures are {@link org.fluxion.ops.LinalgException}s naming the batch element.
 * {@code org.fluxion.linalg} is its public face.
 *
 * <p>{@link org.fluxion.ops.Interpreter} is how transformations meet: a tensor carries at most one
 * {@link org.fluxion.ops.Interpreter.State}, and {@code bind} hands a primitive to the innermost interpreter
 * among its inputs' states (autodidax's {@code find_top_trace}), which autodiff and jit's traces implement;
 * {@link org.fluxion.ops.InPlace} writes in place after the {@link org.fluxion.ops.WriteCheck} services agree.
 *
 * <p>{@link org.fluxion.ops.FacadeOps} implements {@code Tensor}'s methods (the tensor layer's {@code TensorOps}
 * service) with the functional forms.
 *
 * <p>Dependencies: tensor and kernels only.
 */
package org.fluxion.ops;

/**
 * The function transforms that are not compilation: {@link org.fluxion.transforms.Vmap}
 * (vectorization: {@code BatchInterpreter} applies each primitive's own batching rule to the batched values that
 * a function's per-example tensors stand for),
 * {@link org.fluxion.transforms.Control} (structured control flow: cond, whileLoop, fori, scan,
 * differentiable, also in reverse mode through loops; the user functions are traced into nested graphs,
 * {@code Subgraph}, and run as primitives of several outputs, {@code Structured}),
 * {@link org.fluxion.transforms.Remat} (checkpointing: rematerialization of the forward pass) and
 * {@link org.fluxion.transforms.Implicit} (implicit differentiation of root finding, fixed points and matrix-free
 * linear solves, with the {@link org.fluxion.transforms.Krylov} solvers).
 *
 * <p>Dependencies: tensor, ops, autodiff, jit (and jit.ir, jit.passes, jit.exec to trace, optimize and run
 * nested graphs). Nothing in jit depends on this package.
 */
package org.fluxion.transforms;

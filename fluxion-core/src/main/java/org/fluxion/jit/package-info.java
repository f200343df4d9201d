/**
 * The tracing compiler and the transforms built on traced graphs. {@link org.fluxion.jit.Jit#jit} traces a
 * function on abstract values into a {@code Graph} of {@code Equation}s (SSA over primitives), optimizes it
 * ({@code Passes}: constant folding, common subexpressions, dead code; {@code Algebra}: identities;
 * {@code Fusion}: elementwise chains and trailing reductions into {@code Fused} kernels; {@code MatMulBias};
 * {@code Liveness}: buffer reuse), and runs the resulting {@code Plan}, cached per input signature in a
 * bounded {@code PlanCache}. Beside compilation: {@link org.fluxion.jit.Vmap} ({@code BatchRules} interprets a graph with each
 * primitive's own batching rule), {@link org.fluxion.jit.Control} (cond, whileLoop, fori, scan, differentiable, also
 * in reverse mode through loops) and {@link org.fluxion.jit.Remat} (rematerialization).
 *
 * <p>Dependencies: tensor, ops, autodiff (derivatives of traced graphs), jit.codegen.
 */
package org.fluxion.jit;

package org.fluxion.ops;

/**
 * The door of the {@link Primitive} hierarchy for what only the compiler ({@code org.fluxion.jit})
 * creates: fused elementwise kernels and rewritten patterns (e.g. matmul plus bias) that exist only in
 * optimized plans, checkpointed calls, and structured control flow (a primitive of several outputs, through
 * {@link CompilerMultiOutput}). Users do not implement it and cannot bind these primitives themselves;
 * their own primitives implement {@link CustomPrimitive}. It is open (non-sealed) only because those
 * classes live in another package.
 */
public non-sealed interface CompilerPrimitive extends Primitive {
}

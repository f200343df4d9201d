/**
 * Tracing compilation, the user API: {@link org.fluxion.jit.Jit#jit} traces a function on abstract values
 * into a graph ({@link org.fluxion.jit.ir}), optimizes it ({@link org.fluxion.jit.passes}) and runs the
 * resulting plan ({@link org.fluxion.jit.exec}), one per input signature, in a bounded cache of the
 * {@link org.fluxion.jit.Jitted} function; {@link org.fluxion.jit.Jit#makeGraph} shows the traced graph.
 *
 * <p>Subpackages: {@code ir} (graphs, values, equations, tracing, printing), {@code passes} (rewrites and
 * fusion), {@code exec} (plans, buffer reuse, caches), {@code codegen} (generated kernels). The transforms
 * that are not compilation (vmap, structured control flow, checkpointing) live in
 * {@link org.fluxion.transforms}.
 *
 * <p>Dependencies: tensor, ops, autodiff (trees of arguments), jit.ir, jit.passes, jit.exec.
 */
package org.fluxion.jit;

/**
 * Running optimized graphs: a {@link org.fluxion.jit.exec.Plan} executes a graph's equations in order with
 * buffer reuse from {@code Liveness} (steps that are {@link org.fluxion.ops.IntoBuffer} write into
 * recycled buffers), keeping per-call scratch in {@link org.fluxion.jit.exec.Pool}s;
 * {@link org.fluxion.jit.exec.PlanCache} is the bounded, least-recently-used cache of compilations per
 * input signature.
 *
 * <p>Dependencies: tensor, ops, jit.ir. It knows no pass: what a step computes is its primitive's business.
 */
package org.fluxion.jit.exec;

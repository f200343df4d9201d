/**
 * Automatic differentiation on the primitive rule table: each {@link org.fluxion.ops.Primitive} carries its
 * own VJP and JVP rules; this package holds the machinery around them.
 * <ul>
 *   <li>{@link org.fluxion.autodiff.Dispatch}: the slow path of {@code Ops.bind}: records reverse-mode
 *       {@link org.fluxion.autodiff.Node}s and propagates forward-mode tangents (per-thread levels);</li>
 *   <li>{@link org.fluxion.autodiff.Backward}: the iterative reverse walk, with central unbroadcasting;</li>
 *   <li>{@link org.fluxion.autodiff.Autograd} and {@link org.fluxion.autodiff.GradMode}: the eager API behind
 *       {@code Tensor.backward()}; {@link org.fluxion.autodiff.Functional}: grad, vjp, jvp, jacobians, hessian.</li>
 * </ul>
 */
package org.fluxion.autodiff;

/**
 * Automatic differentiation on the primitive rule table: each {@link org.fluxion.ops.Primitive} carries its
 * own VJP and JVP rules; this package holds the machinery around them.
 * <ul>
 *   <li>{@code Dispatch}: autodiff's {@link org.fluxion.ops.Interpreter}, to which {@code Ops.bind} hands a
 *       primitive when an input carries autodiff state ({@code AutogradMeta}): records reverse-mode
 *       {@code Node}s and propagates forward-mode tangents (per-thread levels);</li>
 *   <li>{@code Backward}: the iterative reverse walk, with central unbroadcasting;</li>
 *   <li>{@link org.fluxion.autodiff.Autograd} and {@link org.fluxion.autodiff.GradMode}: the eager API behind
 *       {@code Tensor.backward()}; {@link org.fluxion.autodiff.Functional}: grad, vjp, jvp, jacobians, hessian,
 *       each of one tensor, several tensors or a tree ({@code treeGrad}, {@code treeValueAndGrad} with
 *       argnums, {@code treeVjp}, {@code treeJvp}, {@code treeJacobian}, {@code treeJacfwd},
 *       {@code treeHessian}, {@code treeHvp}) and custom rules ({@code custom}, {@code customVjp},
 *       {@code customJvp}); {@code Jacobians}: the forward/reverse engines they share;</li>
 *   <li>{@link org.fluxion.autodiff.Tree} and {@link org.fluxion.autodiff.TreeDef}: pytrees (lists, maps,
 *       records, arrays of tensors) flattened to leaves and back;</li>
 *   <li>{@link org.fluxion.autodiff.CustomRule}: a user function with its own VJP/JVP, applied as a
 *       primitive.</li>
 * </ul>
 * A node keeps only the tensors its rule reads ({@link org.fluxion.ops.Primitive#vjpReads}) and releases
 * them when backward has used them. {@link org.fluxion.autodiff.TensorReverseMode} and
 * {@link org.fluxion.autodiff.GradModeWriteCheck} are the services the tensor and ops layers find.
 *
 * <p>Dependencies: tensor, ops, kernels.
 */
package org.fluxion.autodiff;

/**
 * Tensors: {@link org.fluxion.tensor.Shape}, {@link org.fluxion.tensor.DType}, {@link org.fluxion.tensor.Storage}
 * (one flat Java array per tensor), strided views, broadcasting, creation and printing, and
 * {@link org.fluxion.tensor.Tensor}, the facade through which users reach every operation.
 *
 * <p>{@link org.fluxion.tensor.TensorInternals} gives Fluxion's own layers a tensor's storage and transformation
 * state; it is not API. {@link org.fluxion.tensor.ReverseMode} is the service interface through which the
 * facade's {@code requiresGrad}/{@code grad}/{@code backward} reach autodiff.
 *
 * <p>Dependencies: kernels (dense copies) and ops, whose primitives the facade's methods bind (a cycle: ops'
 * rules are written with the facade's methods). Nothing above ops: autodiff is reached as a service, and the
 * transformations a tensor takes part in through its {@code ops.Interpreter.State}.
 */
package org.fluxion.tensor;

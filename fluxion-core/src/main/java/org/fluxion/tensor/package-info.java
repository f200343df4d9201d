/**
 * Tensors: {@link org.fluxion.tensor.Shape}, {@link org.fluxion.tensor.DType}, {@link org.fluxion.tensor.Storage}
 * (one flat Java array per tensor), strided views, broadcasting, creation and printing, and
 * {@link org.fluxion.tensor.Tensor}, the facade through which users reach every operation.
 *
 * <p>{@link org.fluxion.tensor.TensorInternals} gives Fluxion's own layers a tensor's storage and transformation
 * state ({@link org.fluxion.tensor.TensorState}); it is not API. Two service interfaces connect the facade to the
 * layers below, which it may not import: {@link org.fluxion.tensor.TensorOps} (every operation, implemented by
 * {@code ops.FacadeOps}) and {@link org.fluxion.tensor.ReverseMode} ({@code requiresGrad}/{@code grad}/
 * {@code backward}, implemented by autodiff).
 *
 * <p>Dependencies: kernels (dense copies), no other Fluxion package.
 */
package org.fluxion.tensor;

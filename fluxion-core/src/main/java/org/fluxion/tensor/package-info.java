/**
 * Tensors: {@link org.fluxion.tensor.Shape}, {@link org.fluxion.tensor.DType}, {@link org.fluxion.tensor.Storage}
 * (one flat Java array per tensor), strided views, broadcasting, creation and printing, and
 * {@link org.fluxion.tensor.Tensor}, the facade through which users reach every operation.
 *
 * <p>Dependencies: kernels (dense copies). The facade's methods also bind primitives of {@code ops} and reach
 * {@code autodiff} for {@code backward()}/{@code grad()}: that cycle (tensor, ops, autodiff, jit) is the one
 * issue 10 replaces with a single interpreter mechanism; nothing new may be added to it.
 */
package org.fluxion.tensor;

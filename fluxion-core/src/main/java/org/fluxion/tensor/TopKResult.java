package org.fluxion.tensor;

/**
 * What {@link Tensor#topk} returns ({@code torch.return_types.topk}).
 *
 * @param values  the selected elements, {@code [..., k, ...]}, of the input's dtype
 * @param indices their positions along the axis, {@code [..., k, ...]}, int64
 */
public record TopKResult(Tensor values, Tensor indices) {
}

package org.fluxion.models;

import org.fluxion.tensor.Tensor;

/**
 * What {@link Layer#apply(Tensor, Context)} returns: the output, and the layer with its state after the pass
 * (the same layer when it has no state or in inference).
 *
 * @param output the layer's output
 * @param layer  the layer after the pass, of the class of the layer applied
 */
public record Applied(Tensor output, Layer layer) {
}

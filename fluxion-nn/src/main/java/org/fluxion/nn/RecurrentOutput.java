package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/**
 * What a recurrent layer returns: {@code output} of shape {@code [T, B, directions * H]} ({@code [B, T, ...]}
 * when batch-first, {@code [T, ...]} unbatched), zero at the padded steps of a sequence shorter than
 * {@code T}, and the final {@code state} (for a padded sequence, the state after its last valid step, in
 * both directions: PyTorch's packed-sequence semantics).
 */
public record RecurrentOutput(Tensor output, RecurrentState state) {
}

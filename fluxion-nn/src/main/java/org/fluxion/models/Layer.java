package org.fluxion.models;

import java.util.List;
import org.fluxion.tensor.Tensor;

/**
 * A layer or a model as data: an immutable record of tensors (parameters, and state such as running
 * statistics inside {@link State} records) and constants (sizes, options), with a pure forward pass. Being a
 * record it is a tree ({@link org.fluxion.autodiff.Tree}): {@code treeGrad}, {@code jit}, {@code vmap} and
 * checkpoints take it as it is, and {@link Models#parameters} lists what a training step differentiates.
 *
 * <p>A layer's {@code toString} is one short line ({@code Linear 784->128}), used by {@link Models#summary}
 * and in error messages.
 */
public interface Layer {
    /**
     * The forward pass in {@code context} (training or inference, the random key): the output, and this layer
     * as it is after the pass (a new layer when it keeps state, such as {@link BatchNorm}'s running statistics
     * in training; itself otherwise). Pure: nothing is mutated.
     */
    Applied apply(Tensor x, Context context);

    /** The forward pass in inference mode, output only. */
    default Tensor apply(Tensor x) {
        return apply(x, Context.inference()).output();
    }

    /** The layers this one is made of, in order (a {@link Sequential}'s); none for a single layer. */
    default List<Layer> layers() {
        return List.of();
    }
}

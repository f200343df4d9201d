package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TopKResult;

/** Selection by order: the functional forms behind {@link Tensor#topk}. {@link TopK} is the primitive. */
public final class Sorting {
    private Sorting() {
    }

    /**
     * The {@code k} largest elements along {@code axis} (the smallest when {@code largest} is false) and their
     * positions; {@code sorted}: best first, otherwise in increasing position. Ties go to the lower position,
     * NaN is the largest number. Differentiable in the values; see {@link TopK}.
     */
    public static TopKResult topk(Tensor x, int k, int axis, boolean largest, boolean sorted) {
        Tensor[] out = Ops.bindAll(new TopK(k, axis, largest, sorted), x);
        return new TopKResult(out[0], out[1]);
    }
}

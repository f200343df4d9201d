package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/** Keeps the batch axis and flattens the rest: {@code [N, d1, d2, ...] -> [N, d1 d2 ...]}. */
public final class Flatten extends Module {
    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() < 1) {
            throw badInput("[N, ...]", x);
        }
        return Functions.flatten(x);
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}

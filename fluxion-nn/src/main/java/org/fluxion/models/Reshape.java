package org.fluxion.models;

import org.fluxion.nn.LayerInputException;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Keeps the batch axis and reshapes the rest: {@code [N, ...] -> [N, d1, d2, ...]}, e.g.
 * {@code Reshape.of(1, 28, 28)} turns {@code [N, 784]} images into the {@code [N, 1, 28, 28]} Conv2d takes.
 *
 * @param sample the per-sample shape
 */
public record Reshape(Shape sample) implements Layer {
    /** The per-sample shape {@code dims} (each >= 1). */
    public static Reshape of(int... dims) {
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("Reshape: dimensions must be >= 1, got " + java.util.Arrays.toString(dims));
            }
        }
        return new Reshape(Shape.of(dims));
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        int size = sample.size();
        if (x.rank() < 1 || (x.dim(0) > 0 && x.size() / x.dim(0) != size)) {
            throw new LayerInputException(toString(), "expected input [N, ...] with " + size + " elements per sample, got "
                    + x.shape());
        }
        int[] dims = sample.dims();
        int[] target = new int[dims.length + 1];
        target[0] = x.dim(0);
        System.arraycopy(dims, 0, target, 1, dims.length);
        return new Applied(x.reshape(target), this);
    }

    @Override
    public String toString() {
        return "Reshape" + sample;
    }
}

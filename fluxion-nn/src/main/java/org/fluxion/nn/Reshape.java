package org.fluxion.nn;

import java.util.Arrays;
import org.fluxion.tensor.Tensor;

/**
 * Keeps the batch axis and reshapes the rest (Keras's {@code Reshape}, PyTorch's {@code Unflatten}):
 * {@code [N, ...] -> [N, d1, d2, ...]}, e.g. {@code new Reshape(1, 28, 28)} turns images
 * {@code [N, 28, 28]} or {@code [N, 784]} into the {@code [N, 1, 28, 28]} that Conv2d takes.
 */
public final class Reshape extends Module {
    private final int[] dims;
    private final int size;

    /** The per-sample shape; its product must equal each sample's size. */
    public Reshape(int... dims) {
        int n = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("Reshape: dimensions must be >= 1, got " + Arrays.toString(dims));
            }
            n *= d;
        }
        this.dims = dims.clone();
        this.size = n;
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() < 1 || (x.dim(0) > 0 && x.size() / x.dim(0) != size)) {
            throw badInput("[N, ...] with " + size + " elements per sample", x);
        }
        int[] target = new int[dims.length + 1];
        target[0] = x.dim(0);
        System.arraycopy(dims, 0, target, 1, dims.length);
        return x.reshape(target);
    }

    @Override
    public String toString() {
        return "Reshape" + Arrays.toString(dims);
    }
}

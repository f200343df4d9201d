package org.fluxion.ops;

import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Concatenation, stacking, splitting and padding. {@link Concat}, {@link Split} and {@link Pad} are
 * primitives; stack (unsqueeze + concat) and chunk (a split) are composites and need no rules of their own.
 */
public final class Joining {
    private Joining() {
    }

    /** Joins tensors along an existing axis; see {@link Concat}. */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        return Ops.bind(new Concat(axis), tensors.toArray(Tensor[]::new));
    }

    /**
     * Joins equally shaped tensors {@code [d...]} along a new axis at position {@code axis} (in
     * {@code [-rank-1, rank]}): the result has shape {@code [d_0..d_(axis-1), n, d_axis..]}.
     */
    public static Tensor stack(int axis, List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: expected at least one tensor, got none");
        }
        Shape first = tensors.get(0).shape();
        int a = Shape.normalizeAxis(axis, first.rank() + 1, "stack");
        Tensor[] parts = new Tensor[tensors.size()];
        for (int k = 0; k < parts.length; k++) {
            Tensor t = tensors.get(k);
            if (!t.shape().equals(first)) {
                throw new IllegalArgumentException("stack: tensor " + k + " has shape " + t.shape()
                        + ", but tensor 0 has shape " + first + "; all must be equal");
            }
            parts[k] = t.unsqueeze(a);
        }
        return Ops.bind(new Concat(a), parts);
    }

    /**
     * Views of consecutive pieces along {@code axis} with the given sizes, which must be {@code >= 0} and
     * add up to the axis length; see {@link Split}.
     */
    public static List<Tensor> split(Tensor x, int axis, int... sizes) {
        return List.of(Ops.bindAll(new Split(axis, sizes), x));
    }

    /**
     * Views of consecutive pieces of {@code size} along {@code axis}, the last one smaller when the axis
     * length is not a multiple; an empty axis gives a single empty piece (so concat undoes any chunk).
     */
    public static List<Tensor> chunk(Tensor x, int axis, int size) {
        int a = Shape.normalizeAxis(axis, x.rank(), "chunk");
        if (size < 1) {
            throw new IllegalArgumentException("chunk: size must be >= 1, got " + size);
        }
        int d = x.dim(a);
        int count = Math.max(1, (d + size - 1) / size);
        int[] sizes = new int[count];
        for (int k = 0; k < count; k++) {
            sizes[k] = Math.min(size, d - k * size);
        }
        return split(x, a, sizes);
    }

    /**
     * Pads with a constant; {@code padding = {b0, a0, b1, a1, ...}} holds (before, after) pairs starting from
     * the first axis, axes without a pair are not padded. See {@link Pad}.
     */
    public static Tensor pad(Tensor x, int[] padding, double value) {
        if (padding.length % 2 != 0) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(padding)
                    + " must hold (before, after) pairs, but has odd length " + padding.length);
        }
        if (padding.length / 2 > x.rank()) {
            throw new IllegalArgumentException("pad: padding " + Arrays.toString(padding) + " has "
                    + padding.length / 2 + " pairs, but tensor " + x.shape() + " has only " + x.rank() + " axes");
        }
        int[] before = new int[x.rank()];
        int[] after = new int[x.rank()];
        for (int k = 0; k < padding.length / 2; k++) {
            before[k] = padding[2 * k];
            after[k] = padding[2 * k + 1];
        }
        return Ops.bind(new Pad(before, after, value), x);
    }
}

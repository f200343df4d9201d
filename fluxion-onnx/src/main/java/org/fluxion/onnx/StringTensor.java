package org.fluxion.onnx;

import java.util.List;
import org.fluxion.tensor.Shape;

/**
 * An ONNX tensor of strings (element type {@code STRING}): a shape and its elements in row-major order.
 * Strings are data, not numbers: they flow through a graph beside the {@link org.fluxion.tensor.Tensor}s
 * (graph inputs, initializers, StringNormalizer, Cast/CastLike to and from numbers, Identity), and are never
 * differentiated, traced by {@code jit} or batched by {@code vmap}: a node that would need that fails with an
 * error naming it.
 *
 * @param shape  the dims; {@code values.size()} is their product
 * @param values the elements, row-major, none null
 */
public record StringTensor(Shape shape, List<String> values) {
    /** Checks that {@code values} fills {@code shape}, and keeps an unmodifiable copy. */
    public StringTensor {
        values = List.copyOf(values);
        if (values.size() != shape.size()) {
            throw new IllegalArgumentException("a string tensor of shape " + shape + " needs " + shape.size()
                    + " values, given " + values.size());
        }
    }

    /** The tensor of {@code values} with the given dims. */
    public static StringTensor of(List<String> values, int... dims) {
        return new StringTensor(Shape.of(dims), values);
    }

    /** The dims. */
    public int[] dims() {
        return shape.dims();
    }

    /** The number of elements. */
    public int size() {
        return values.size();
    }
}

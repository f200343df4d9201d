package org.fluxion.tensor;

/**
 * The abstract value of a tensor: its shape and dtype, without data. Shape rules of primitives work on
 * these, so the same rule validates eager calls and traced programs.
 */
public record TensorType(Shape shape, DType dtype) {
    @Override
    public String toString() {
        return dtype.label() + shape;
    }
}

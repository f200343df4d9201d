package org.fluxion.tensor;

/**
 * Fluxion's own access to a tensor's representation (its storage, raw views of a storage), for the layers
 * that implement operations: ops and its kernels' callers, autodiff, jit, optimizers with fused kernels; and
 * the transformation state a tensor carries ({@link TensorState}; ops' {@code Interpreter.State}), which only the transformations read.
 * <b>Not API</b>: users work with {@link Tensor}'s methods, and what this class exposes may change in any
 * release. Storages are shared between views and versioned for autodiff, so writing through them from
 * outside bypasses the checks that keep gradients right.
 *
 * <p>Why a class in this package, not a public method of {@code Tensor} nor a class in an internal
 * subpackage: {@code Tensor}'s public methods are what users read, and a subpackage reaching
 * {@code Tensor}'s fields would need a bridge registered from {@code Tensor}, a package cycle. Here the fields
 * stay package-private and each accessor is one field read that the JIT inlines.
 */
public final class TensorInternals {
    private TensorInternals() {
    }

    /** The storage {@code t} is a view of (shared with its other views). */
    public static Storage storage(Tensor t) {
        return t.storage;
    }

    /**
     * A view of {@code storage} with the given shape, strides (in elements, may be 0 for broadcast
     * dimensions) and offset, carrying no transformation state. The caller guarantees every addressed
     * element lies in the storage.
     *
     * @throws IllegalArgumentException when the number of strides is not the shape's rank
     */
    public static Tensor view(Storage storage, Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("view: " + strides.length + " strides for shape " + shape);
        }
        return new Tensor(storage, shape, strides.clone(), offset);
    }

    /** The transformation state {@code t} carries (that of the innermost transformation), or null. */
    public static TensorState state(Tensor t) {
        return t.state;
    }

    /** Replaces the transformation state of {@code t} (autodiff attaching a tape node or a tangent). */
    public static void setState(Tensor t, TensorState state) {
        t.state = state;
    }

    /**
     * A new contiguous, zero-filled tensor of {@code type}, which it keeps as its {@link Tensor#type()}: a kernel
     * making its output from the type its shape rule gave spares the next primitive building it again.
     */
    public static Tensor empty(TensorType type) {
        return Creation.empty(type);
    }

    /**
     * A tensor of type {@code type} without elements, standing for a value of a transformation (a tracer of
     * jit): its state is {@code state}, and reading its elements throws.
     */
    public static Tensor abstractTensor(TensorType type, TensorState state) {
        Shape shape = type.shape();
        Tensor t = new Tensor(Storage.abstractOf(type.dtype(), shape.size()), shape, shape.sharedContiguousStrides(), 0);
        t.state = java.util.Objects.requireNonNull(state, "state");
        return t;
    }
}

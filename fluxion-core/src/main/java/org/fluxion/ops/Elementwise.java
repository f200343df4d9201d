package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Entry points of the elementwise primitives, as used by {@link Tensor}'s methods. */
public final class Elementwise {
    private Elementwise() {
    }

    /** One primitive per operation: they are values (records of the operation alone), shared by every call. */
    private static final Unary[] UNARY = java.util.Arrays.stream(UnaryOp.values()).map(Unary::new).toArray(Unary[]::new);
    private static final Binary[] BINARY = java.util.Arrays.stream(BinaryOp.values()).map(Binary::new)
            .toArray(Binary[]::new);

    public static Tensor unary(UnaryOp op, Tensor x) {
        return Ops.bind(UNARY[op.ordinal()], x);
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return Ops.bind(BINARY[op.ordinal()], a, b);
    }

    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Ops.bind(new Where(), condition, a, b);
    }

    /** {@code x op value}, the scalar taking {@code x}'s type as {@link #scalarLike} says. */
    public static Tensor binary(BinaryOp op, Tensor x, double value) {
        return binary(op, x, scalarLike(value, x));
    }

    /** {@code 1 / x}. */
    public static Tensor reciprocal(Tensor x) {
        return binary(BinaryOp.DIV, scalarLike(1, x), x);
    }

    /**
     * {@code min(max(x, min), max)}: every element limited to {@code [min, max]}.
     *
     * @throws IllegalArgumentException when {@code min > max} or either is NaN
     */
    public static Tensor clamp(Tensor x, double min, double max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return binary(BinaryOp.MINIMUM, binary(BinaryOp.MAXIMUM, x, min), max);
    }

    /** {@code x} converted to {@code dtype}; {@code x} itself when it already has that type. */
    public static Tensor cast(Tensor x, DType dtype) {
        return x.dtype() == dtype ? x : Ops.bind(new Cast(dtype), x);
    }

    /**
     * {@code x} itself, or a dense copy when it is a float32 view whose last axis is strided (e.g. a
     * transpose): the float32 kernels vectorize runs with stride 0 or 1 only, and one copy costs less
     * than a scalar loop through the operation.
     */
    static Tensor vectorFriendly(Tensor x) {
        return x.dtype() == DType.FLOAT32 && x.rank() > 0 && x.dim(-1) > 1 && x.stride(-1) > 1 ? x.contiguous() : x;
    }

    /**
     * A scalar tensor holding {@code value} to combine with {@code like}: of {@code like}'s dtype, except
     * that a value with a fraction combined with an integer or bool tensor is float32 (weak scalar
     * promotion, as PyTorch's Python scalars). A whole value keeps integer tensors integer.
     */
    public static Tensor scalarLike(double value, Tensor like) {
        boolean fractional = value != Math.rint(value) || Double.isNaN(value) || Double.isInfinite(value);
        DType t = like.dtype().promoteWithScalar(fractional);
        if (t == DType.BOOL) {
            t = value == 0 || value == 1 ? DType.BOOL : DType.INT64;
        }
        return Tensor.scalar(value, t);
    }
}

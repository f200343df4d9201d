package org.fluxion.tensor;

/**
 * Element types of tensors.
 *
 * <p>Type promotion for binary operations follows PyTorch's: the order of this enum,
 * {@code BOOL < UINT8, INT8 < INT32 < INT64 < FLOAT16, BFLOAT16 < FLOAT32 < FLOAT64}, gives the result
 * of combining two tensors as the larger of their two types, except that {@code UINT8} with {@code INT8}
 * gives {@code INT32} (PyTorch's int16, which Fluxion lacks: the smallest type holding both ranges) and
 * {@code FLOAT16} with {@code BFLOAT16} gives {@code FLOAT32} (neither holds the other). A Java
 * {@code double} or {@code long} scalar operand is "weak", as in PyTorch and NumPy 2: it takes the tensor's
 * type, except that a floating-point scalar combined with an integer or boolean tensor gives
 * {@link #FLOAT32}.
 *
 * <p>The four small types ({@code UINT8}, {@code INT8}, {@code FLOAT16}, {@code BFLOAT16}) are storage
 * types: kernels compute on their {@link #computeType()} (int32 or float32) and round the results back,
 * so {@code float16} arithmetic is float32 arithmetic rounded to nearest even after every operation
 * (PyTorch's CPU semantics), and {@code uint8}/{@code int8} arithmetic wraps around.
 */
public enum DType {
    BOOL(1, false),
    UINT8(1, false),
    INT8(1, false),
    INT32(4, false),
    INT64(8, false),
    FLOAT16(2, true),
    BFLOAT16(2, true),
    FLOAT32(4, true),
    FLOAT64(8, true);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the floating-point types, the only types that can carry gradients. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type of the result of a binary operation on tensors of types {@code a} and {@code b}. */
    public static DType promote(DType a, DType b) {
        if (a != b && (a == UINT8 || a == INT8) && (b == UINT8 || b == INT8)) {
            return INT32;
        }
        if (a != b && (a == FLOAT16 || a == BFLOAT16) && (b == FLOAT16 || b == BFLOAT16)) {
            return FLOAT32;
        }
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * The type kernels compute in for this type: float32 for {@code FLOAT16} and {@code BFLOAT16}, int32
     * for {@code UINT8} and {@code INT8}, the type itself otherwise.
     */
    public DType computeType() {
        return switch (this) {
            case FLOAT16, BFLOAT16 -> FLOAT32;
            case UINT8, INT8 -> INT32;
            default -> this;
        };
    }

    /** True for the storage types, whose arithmetic runs in {@link #computeType()}. */
    public boolean isStorageOnly() {
        return computeType() != this;
    }

    /** The type of the result of combining a tensor of this type with a Java scalar. */
    public DType promoteWithScalar(boolean scalarIsFloatingPoint) {
        return scalarIsFloatingPoint && !floatingPoint ? FLOAT32 : this;
    }

    /**
     * True when a result of type {@code from} may be stored into a tensor of type {@code to} by an in-place
     * operation (PyTorch's {@code canCast}): never floating point into an integer or bool tensor (that
     * would truncate), never a number into a bool tensor; narrowing within a kind (int64 into int32,
     * float64 into float32) is allowed.
     */
    public static boolean canCast(DType from, DType to) {
        if (from.floatingPoint && !to.floatingPoint) {
            return false;
        }
        return from == BOOL || to != BOOL;
    }

    /** The floating-point type that math functions (exp, sqrt, division) of this type produce. */
    public DType toFloatingPoint() {
        return floatingPoint ? this : FLOAT32;
    }

    /** Lower-case name as printed in tensors: float32, int64, bool, bfloat16. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package org.fluxion.tensor;

/**
 * Element types of tensors.
 *
 * <p>Type promotion for binary operations follows the order of this enum:
 * {@code BOOL < INT32 < INT64 < FLOAT32 < FLOAT64}; the result of combining two tensors has the
 * larger of their two types. A Java {@code double} or {@code long} scalar operand is "weak", as in
 * PyTorch and NumPy 2: it takes the tensor's type, except that a floating-point scalar combined with
 * an integer or boolean tensor gives {@link #FLOAT32}.
 */
public enum DType {
    BOOL(1, false),
    INT32(4, false),
    INT64(8, false),
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

    /** True for FLOAT32 and FLOAT64, the only types that can carry gradients. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The type of the result of a binary operation on tensors of types {@code a} and {@code b}. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
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

    /** Lower-case name as printed in tensors: float32, int64, bool. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

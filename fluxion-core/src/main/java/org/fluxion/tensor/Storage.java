package org.fluxion.tensor;

/**
 * A flat Java array holding tensor elements, shared by a tensor and its views.
 *
 * <p>The array is a {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]} or
 * {@code boolean[]} according to the dtype; {@code float16} and {@code bfloat16} elements are raw bits in a
 * {@code short[]} ({@link HalfPrecision}), {@code int8} and {@code uint8} elements a {@code byte[]} (uint8
 * read as {@code b & 0xff}). The version counter goes up on every in-place write, so
 * that autodiff can detect a saved tensor that was modified before backward.
 */
public final class Storage {
    private final DType dtype;
    private final Object array;
    private final int length;
    private int version;

    private Storage(DType dtype, Object array, int length) {
        this.dtype = dtype;
        this.array = array;
        this.length = length;
    }

    /**
     * The storage of an abstract tensor while {@code jit} traces a function: it has a dtype and a length
     * but no elements (the tensor's transformation state says which graph value it stands for). Reading its
     * elements throws.
     */
    static Storage abstractOf(DType dtype, int length) {
        return new Storage(dtype, null, length);
    }

    /** True for the storage of a traced tensor, which has no elements. */
    public boolean isAbstract() {
        return array == null;
    }

    /** A zero-filled storage of {@code length} elements. */
    public static Storage allocate(DType dtype, int length) {
        Object array = switch (dtype) {
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
            case BOOL -> new boolean[length];
            case FLOAT16, BFLOAT16 -> new short[length];
            case INT8, UINT8 -> new byte[length];
        };
        return new Storage(dtype, array, length);
    }

    /**
     * Wraps an existing array without copying; its type must match {@code dtype}.
     *
     * @throws IllegalArgumentException naming the dtype, the array type it needs and the one given, when
     *                                  they differ or the array is null
     */
    public static Storage wrap(DType dtype, Object array) {
        int length = switch (array) {
            case float[] a when dtype == DType.FLOAT32 -> a.length;
            case double[] a when dtype == DType.FLOAT64 -> a.length;
            case int[] a when dtype == DType.INT32 -> a.length;
            case long[] a when dtype == DType.INT64 -> a.length;
            case boolean[] a when dtype == DType.BOOL -> a.length;
            case short[] a when dtype == DType.FLOAT16 || dtype == DType.BFLOAT16 -> a.length;
            case byte[] a when dtype == DType.INT8 || dtype == DType.UINT8 -> a.length;
            case null, default -> throw new IllegalArgumentException("Storage.wrap: dtype " + dtype.label()
                    + " needs a " + arrayType(dtype) + ", got " + (array == null ? "null"
                    : array.getClass().getSimpleName()));
        };
        return new Storage(dtype, array, length);
    }

    private static String arrayType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float[]";
            case FLOAT64 -> "double[]";
            case INT32 -> "int[]";
            case INT64 -> "long[]";
            case BOOL -> "boolean[]";
            case FLOAT16, BFLOAT16 -> "short[]";
            case INT8, UINT8 -> "byte[]";
        };
    }

    public DType dtype() {
        return dtype;
    }

    /** Number of elements in the array. */
    public int length() {
        return length;
    }

    /** The backing array, for kernels and {@link System#arraycopy}. */
    public Object array() {
        return array;
    }

    public float[] floats() {
        return (float[]) array;
    }

    public double[] doubles() {
        return (double[]) array;
    }

    public int[] ints() {
        return (int[]) array;
    }

    public long[] longs() {
        return (long[]) array;
    }

    public boolean[] bools() {
        return (boolean[]) array;
    }

    /** The raw bits of float16 or bfloat16 elements. */
    public short[] shorts() {
        return (short[]) array;
    }

    /** The bytes of int8 or uint8 elements. */
    public byte[] bytes() {
        return (byte[]) array;
    }

    /** Element {@code i} as a double (booleans as 0 or 1). */
    public double getDouble(int i) {
        return switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
            case INT32 -> ((int[]) array)[i];
            case INT64 -> ((long[]) array)[i];
            case BOOL -> ((boolean[]) array)[i] ? 1 : 0;
            case FLOAT16 -> HalfPrecision.float16ToFloat(((short[]) array)[i]);
            case BFLOAT16 -> HalfPrecision.bfloat16ToFloat(((short[]) array)[i]);
            case INT8 -> ((byte[]) array)[i];
            case UINT8 -> ((byte[]) array)[i] & 0xff;
        };
    }

    /** Element {@code i} as a long; floating-point values are truncated toward zero. */
    public long getLong(int i) {
        return switch (dtype) {
            case FLOAT32 -> (long) ((float[]) array)[i];
            case FLOAT64 -> (long) ((double[]) array)[i];
            case INT32 -> ((int[]) array)[i];
            case INT64 -> ((long[]) array)[i];
            case BOOL -> ((boolean[]) array)[i] ? 1 : 0;
            case FLOAT16 -> (long) HalfPrecision.float16ToFloat(((short[]) array)[i]);
            case BFLOAT16 -> (long) HalfPrecision.bfloat16ToFloat(((short[]) array)[i]);
            case INT8 -> ((byte[]) array)[i];
            case UINT8 -> ((byte[]) array)[i] & 0xff;
        };
    }

    /**
     * Stores {@code v} at {@code i}, converted to the dtype (non-zero is true for bool; half types rounded
     * to nearest even; int8 and uint8 take the low byte of the value truncated to an int64, so they wrap).
     */
    public void setDouble(int i, double v) {
        switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i] = (float) v;
            case FLOAT64 -> ((double[]) array)[i] = v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT64 -> ((long[]) array)[i] = (long) v;
            case BOOL -> ((boolean[]) array)[i] = v != 0;
            case FLOAT16 -> ((short[]) array)[i] = HalfPrecision.doubleToFloat16(v);
            case BFLOAT16 -> ((short[]) array)[i] = HalfPrecision.doubleToBFloat16(v);
            case INT8, UINT8 -> ((byte[]) array)[i] = (byte) (long) v;
        }
    }

    /** Stores {@code v} at {@code i}, converted to the dtype (rounded to nearest even, or wrapped). */
    public void setLong(int i, long v) {
        switch (dtype) {
            case FLOAT32 -> ((float[]) array)[i] = v;
            case FLOAT64 -> ((double[]) array)[i] = v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT64 -> ((long[]) array)[i] = v;
            case BOOL -> ((boolean[]) array)[i] = v != 0;
            case FLOAT16 -> ((short[]) array)[i] = HalfPrecision.longToFloat16(v);
            case BFLOAT16 -> ((short[]) array)[i] = HalfPrecision.longToBFloat16(v);
            case INT8, UINT8 -> ((byte[]) array)[i] = (byte) v;
        }
    }

    /** Counter of in-place writes, checked by autodiff before it uses a saved tensor. */
    public int version() {
        return version;
    }

    /** Records an in-place write. */
    public void bumpVersion() {
        version++;
    }
}

package org.fluxion.kernels;

/** Argument checks shared by the raw-array kernels, so that a bad call fails with a clear message. */
final class KernelChecks {
    private KernelChecks() {
    }

    /** Throws unless {@code array[offset .. offset+size)} lies within an array of {@code length}. */
    static void range(String op, String name, int length, int offset, int size) {
        if (offset < 0 || size < 0 || offset > length - size) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " elements from offset "
                    + offset + ", but its array has length " + length);
        }
    }

    /** {@link #range(String, String, int, int, int)} for a {@code float[]} or {@code double[]} checked by {@link #isFloat32}. */
    static void range(String op, String name, Object array, int offset, int size) {
        range(op, name, array instanceof float[] f ? f.length : ((double[]) array).length, offset, size);
    }

    /**
     * The one place where a kernel family picks its float32 or float64 body: true when every array is a
     * {@code float[]}, false when every one is a {@code double[]}; else an exception naming {@code op}.
     */
    static boolean isFloat32(String op, Object... arrays) {
        Class<?> type = arrays[0] == null ? null : arrays[0].getClass();
        for (Object a : arrays) {
            if (a == null || a.getClass() != type || (type != float[].class && type != double[].class)) {
                StringBuilder got = new StringBuilder();
                for (Object b : arrays) {
                    got.append(got.isEmpty() ? "" : ", ").append(b == null ? "null" : b.getClass().getSimpleName());
                }
                throw new IllegalArgumentException(op + ": arrays must be all float[] (float32) or all double[]"
                        + " (float64), got " + got);
            }
        }
        return type == float[].class;
    }
}

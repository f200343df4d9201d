package org.fluxion.jvmad.runtime;

/**
 * Plain-Java stand-ins for JDK methods that differentiable code calls on arrays
 * ({@code System.arraycopy}, {@code Arrays.fill}, {@code copyOf}, {@code copyOfRange}, {@code sort},
 * {@code clone()}; of arrays of rows, {@code clone()} and {@code System.arraycopy}, which copy
 * references, so that the rows are shared). The reader replaces a call to the JDK method by a call to its model, and the
 * model is differentiated like user code; so each one uses only what the transforms support (loops,
 * array reads and writes, no objects). They compute exactly what the JDK method computes, and throw
 * the same exceptions (through {@link Errors}, which generated code calls as it is).
 *
 * <p>Public because generated classes call them; not an API.
 */
public final class Models {
    private Models() {
    }

    /** {@code System.arraycopy} of doubles; a copy within one array behaves as through a temporary. */
    public static void arraycopy(double[] src, int srcPos, double[] dst, int dstPos, int length) {
        checkCopy(srcPos, src.length, dstPos, dst.length, length);
        if (src == dst && srcPos < dstPos) {
            for (int i = length - 1; i >= 0; i--) {
                dst[dstPos + i] = src[srcPos + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                dst[dstPos + i] = src[srcPos + i];
            }
        }
    }

    /** {@code System.arraycopy} of floats. */
    public static void arraycopy(float[] src, int srcPos, float[] dst, int dstPos, int length) {
        checkCopy(srcPos, src.length, dstPos, dst.length, length);
        if (src == dst && srcPos < dstPos) {
            for (int i = length - 1; i >= 0; i--) {
                dst[dstPos + i] = src[srcPos + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                dst[dstPos + i] = src[srcPos + i];
            }
        }
    }

    private static void checkCopy(int srcPos, int srcLength, int dstPos, int dstLength, int length) {
        if (srcPos < 0 || dstPos < 0 || length < 0 || srcPos > srcLength - length || dstPos > dstLength - length) {
            Errors.arraycopyOutOfBounds(srcPos, srcLength, dstPos, dstLength, length);
        }
    }

    /** {@code Arrays.fill(a, v)}. */
    public static void fill(double[] a, double v) {
        for (int i = 0; i < a.length; i++) {
            a[i] = v;
        }
    }

    /** {@code Arrays.fill(a, from, to, v)}. */
    public static void fill(double[] a, int from, int to, double v) {
        checkFromTo(a.length, from, to);
        for (int i = from; i < to; i++) {
            a[i] = v;
        }
    }

    /** {@code Arrays.fill(a, v)} for floats. */
    public static void fill(float[] a, float v) {
        for (int i = 0; i < a.length; i++) {
            a[i] = v;
        }
    }

    /** {@code Arrays.fill(a, from, to, v)} for floats. */
    public static void fill(float[] a, int from, int to, float v) {
        checkFromTo(a.length, from, to);
        for (int i = from; i < to; i++) {
            a[i] = v;
        }
    }

    private static void checkFromTo(int length, int from, int to) {
        if (from > to || from < 0 || to > length) {
            Errors.badRange(from, to, length);
        }
    }

    /** {@code Arrays.copyOf(a, n)}: zeros past the end of {@code a}. */
    public static double[] copyOf(double[] a, int n) {
        double[] r = new double[n];
        int m = Math.min(n, a.length);
        for (int i = 0; i < m; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /** {@code Arrays.copyOf(a, n)} for floats. */
    public static float[] copyOf(float[] a, int n) {
        float[] r = new float[n];
        int m = Math.min(n, a.length);
        for (int i = 0; i < m; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /** {@code Arrays.copyOfRange(a, from, to)}. */
    public static double[] copyOfRange(double[] a, int from, int to) {
        if (from > to || from < 0 || from > a.length) {
            Errors.badRange(from, to, a.length);
        }
        double[] r = new double[to - from];
        int m = Math.min(to, a.length);
        for (int i = from; i < m; i++) {
            r[i - from] = a[i];
        }
        return r;
    }

    /** {@code a.clone()}. */
    public static double[] clone(double[] a) {
        return copyOf(a, a.length);
    }

    /** {@code a.clone()} for floats. */
    public static float[] clone(float[] a) {
        return copyOf(a, a.length);
    }

    /** {@code a.clone()} of an array of rows: a new outer array holding the same rows (a shallow copy). */
    public static double[][] clone(double[][] a) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /** {@code a.clone()} of an array of float rows (a shallow copy). */
    public static float[][] clone(float[][] a) {
        float[][] r = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /** {@code System.arraycopy} of rows (references: the rows are then shared), as through a temporary. */
    public static void arraycopy(double[][] src, int srcPos, double[][] dst, int dstPos, int length) {
        checkCopy(srcPos, src.length, dstPos, dst.length, length);
        if (src == dst && srcPos < dstPos) {
            for (int i = length - 1; i >= 0; i--) {
                dst[dstPos + i] = src[srcPos + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                dst[dstPos + i] = src[srcPos + i];
            }
        }
    }

    /** {@code System.arraycopy} of float rows. */
    public static void arraycopy(float[][] src, int srcPos, float[][] dst, int dstPos, int length) {
        checkCopy(srcPos, src.length, dstPos, dst.length, length);
        if (src == dst && srcPos < dstPos) {
            for (int i = length - 1; i >= 0; i--) {
                dst[dstPos + i] = src[srcPos + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                dst[dstPos + i] = src[srcPos + i];
            }
        }
    }

    /** {@code a.clone()} for ints. */
    public static int[] clone(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /**
     * {@code Arrays.sort(a)}: the same order ({@link Double#compare}: -0.0 before 0.0, NaN last), by a
     * bottom-up merge sort, so that each value's derivative moves with it.
     */
    public static void sort(double[] a) {
        int n = a.length;
        double[] tmp = new double[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                merge(a, tmp, lo, mid, hi);
            }
        }
    }

    private static void merge(double[] a, double[] tmp, int lo, int mid, int hi) {
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && Double.compare(a[i], a[j]) <= 0)) {
                tmp[k] = a[i];
                i++;
            } else {
                tmp[k] = a[j];
                j++;
            }
        }
        for (int k = lo; k < hi; k++) {
            a[k] = tmp[k];
        }
    }
}

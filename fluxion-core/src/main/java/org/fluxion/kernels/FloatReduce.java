package org.fluxion.kernels;

import static org.fluxion.kernels.VectorLoops.F;
import static org.fluxion.kernels.VectorLoops.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * float32 reduction loops on dense runs, with the Vector API.
 *
 * <p>Row kernels ({@link #sum}, {@link #max}, {@link #min}) fold one contiguous run to a value with four
 * independent vector accumulators, so that consecutive adds do not wait on each other. Column kernels
 * ({@link #sumRows}, {@link #maxRows}, {@link #minRows}) fold {@code rows} runs of width {@code w} that are
 * {@code stride} apart into {@code w} accumulators (the "sum over the batch axis" of a bias gradient).
 *
 * <p>Sums are accurate to about float32 precision relative to {@code sum(|x|)}: float partial sums never
 * cover more than a block of elements (rows) before being added into a double.
 */
public final class FloatReduce {
    /** Elements per float block of a row sum; a multiple of 4 * L. */
    private static final int ROW_BLOCK = 4 * L * 64;
    /**
     * Rows per float block of a column sum: a caller that folds a matrix {@value} rows at a time into its own
     * accumulators, adding them in order after, gets the same bits as one call over all rows.
     */
    public static final int COL_BLOCK = 64;

    private FloatReduce() {
    }

    /** {@code sum(a[off .. off+n))} in double. */
    public static double sum(float[] a, int off, int n) {
        double total = 0;
        int i = 0;
        int bound = n - n % (4 * L);
        while (i < bound) {
            int end = Math.min(bound, i + ROW_BLOCK);
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (; i < end; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(F, a, off + i));
                s1 = s1.add(FloatVector.fromArray(F, a, off + i + L));
                s2 = s2.add(FloatVector.fromArray(F, a, off + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, a, off + i + 3 * L));
            }
            // Lanes added in lane order: reduceLanes(ADD) has no fixed order, and its intrinsic and its
            // fallback differ, so a sum would change when C2 compiles this loop.
            for (float lane : s0.add(s1).add(s2.add(s3)).toArray()) {
                total += lane;
            }
        }
        for (; i < n; i++) {
            total += a[off + i];
        }
        return total;
    }

    /** {@code max(a[off .. off+n))}; NaN if any element is NaN, −∞ when {@code n == 0}. */
    public static float max(float[] a, int off, int n) {
        int i = 0;
        int bound = n - n % (4 * L);
        float m = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            for (; i < bound; i += 4 * L) {
                m0 = m0.max(FloatVector.fromArray(F, a, off + i));
                m1 = m1.max(FloatVector.fromArray(F, a, off + i + L));
                m2 = m2.max(FloatVector.fromArray(F, a, off + i + 2 * L));
                m3 = m3.max(FloatVector.fromArray(F, a, off + i + 3 * L));
            }
            m = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, a[off + i]);
        }
        return m;
    }

    /** {@code min(a[off .. off+n))}; NaN if any element is NaN, +∞ when {@code n == 0}. */
    public static float min(float[] a, int off, int n) {
        int i = 0;
        int bound = n - n % (4 * L);
        float m = Float.POSITIVE_INFINITY;
        if (bound > 0) {
            FloatVector m0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
            FloatVector m1 = m0;
            FloatVector m2 = m0;
            FloatVector m3 = m0;
            for (; i < bound; i += 4 * L) {
                m0 = m0.min(FloatVector.fromArray(F, a, off + i));
                m1 = m1.min(FloatVector.fromArray(F, a, off + i + L));
                m2 = m2.min(FloatVector.fromArray(F, a, off + i + 2 * L));
                m3 = m3.min(FloatVector.fromArray(F, a, off + i + 3 * L));
            }
            m = m0.min(m1).min(m2.min(m3)).reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) {
            m = Math.min(m, a[off + i]);
        }
        return m;
    }

    /**
     * {@code acc[accOff + j] += sum_r a[off + r*stride + j]} for {@code r < rows}, {@code j < w}. Rows are
     * summed four at a time into a float block, which is added to the double accumulators every
     * {@value #COL_BLOCK} rows.
     */
    public static void sumRows(float[] a, int off, int rows, int stride, int w, double[] acc, int accOff) {
        if (w <= 4) {
            sumNarrowRows(a, off, rows, stride, w, acc, accOff);
            return;
        }
        float[] blk = new float[w];
        int vw = F.loopBound(w);
        int r = 0;
        while (r < rows) {
            int rEnd = Math.min(rows, r + COL_BLOCK);
            java.util.Arrays.fill(blk, 0f);
            for (; r + 4 <= rEnd; r += 4) {
                int p0 = off + r * stride;
                int p1 = p0 + stride;
                int p2 = p1 + stride;
                int p3 = p2 + stride;
                int j = 0;
                for (; j < vw; j += L) {
                    FloatVector.fromArray(F, a, p0 + j).add(FloatVector.fromArray(F, a, p1 + j))
                            .add(FloatVector.fromArray(F, a, p2 + j).add(FloatVector.fromArray(F, a, p3 + j)))
                            .add(FloatVector.fromArray(F, blk, j)).intoArray(blk, j);
                }
                for (; j < w; j++) {
                    blk[j] += (a[p0 + j] + a[p1 + j]) + (a[p2 + j] + a[p3 + j]);
                }
            }
            for (; r < rEnd; r++) {
                int p = off + r * stride;
                int j = 0;
                for (; j < vw; j += L) {
                    FloatVector.fromArray(F, a, p + j).add(FloatVector.fromArray(F, blk, j)).intoArray(blk, j);
                }
                for (; j < w; j++) {
                    blk[j] += a[p + j];
                }
            }
            for (int j = 0; j < w; j++) {
                acc[accOff + j] += blk[j];
            }
        }
    }

    /**
     * {@link #sumRows} for rows of at most four (a small layer's bias gradient): the block's sums in locals instead
     * of an array, the same additions in the same order, so the same bits. In an array each row's additions waited
     * on the previous row's store of the same element.
     */
    private static void sumNarrowRows(float[] a, int off, int rows, int stride, int w, double[] acc, int accOff) {
        int r = 0;
        while (r < rows) {
            int rEnd = Math.min(rows, r + COL_BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (; r + 4 <= rEnd; r += 4) {
                int p0 = off + r * stride;
                int p1 = p0 + stride;
                int p2 = p1 + stride;
                int p3 = p2 + stride;
                s0 += (a[p0] + a[p1]) + (a[p2] + a[p3]);
                if (w > 1) {
                    s1 += (a[p0 + 1] + a[p1 + 1]) + (a[p2 + 1] + a[p3 + 1]);
                }
                if (w > 2) {
                    s2 += (a[p0 + 2] + a[p1 + 2]) + (a[p2 + 2] + a[p3 + 2]);
                }
                if (w > 3) {
                    s3 += (a[p0 + 3] + a[p1 + 3]) + (a[p2 + 3] + a[p3 + 3]);
                }
            }
            for (; r < rEnd; r++) {
                int p = off + r * stride;
                s0 += a[p];
                if (w > 1) {
                    s1 += a[p + 1];
                }
                if (w > 2) {
                    s2 += a[p + 2];
                }
                if (w > 3) {
                    s3 += a[p + 3];
                }
            }
            acc[accOff] += s0;
            if (w > 1) {
                acc[accOff + 1] += s1;
            }
            if (w > 2) {
                acc[accOff + 2] += s2;
            }
            if (w > 3) {
                acc[accOff + 3] += s3;
            }
        }
    }

    /** {@code acc[accOff + j] = max(acc[accOff + j], max_r a[off + r*stride + j])}, NaN-propagating. */
    public static void maxRows(float[] a, int off, int rows, int stride, int w, double[] acc, int accOff) {
        extremeRows(a, off, rows, stride, w, acc, accOff, true);
    }

    /** {@code acc[accOff + j] = min(acc[accOff + j], min_r a[off + r*stride + j])}, NaN-propagating. */
    public static void minRows(float[] a, int off, int rows, int stride, int w, double[] acc, int accOff) {
        extremeRows(a, off, rows, stride, w, acc, accOff, false);
    }

    private static void extremeRows(float[] a, int off, int rows, int stride, int w, double[] acc, int accOff,
            boolean max) {
        if (rows == 0) {
            return;
        }
        float[] blk = java.util.Arrays.copyOfRange(a, off, off + w);
        int vw = F.loopBound(w);
        for (int r = 1; r < rows; r++) {
            int p = off + r * stride;
            int j = 0;
            // The branch is loop-invariant; the JIT unswitches it.
            for (; j < vw; j += L) {
                FloatVector v = FloatVector.fromArray(F, a, p + j);
                FloatVector b = FloatVector.fromArray(F, blk, j);
                (max ? b.max(v) : b.min(v)).intoArray(blk, j);
            }
            for (; j < w; j++) {
                blk[j] = max ? Math.max(blk[j], a[p + j]) : Math.min(blk[j], a[p + j]);
            }
        }
        for (int j = 0; j < w; j++) {
            double v = blk[j];
            acc[accOff + j] = max ? Math.max(acc[accOff + j], v) : Math.min(acc[accOff + j], v);
        }
    }
}

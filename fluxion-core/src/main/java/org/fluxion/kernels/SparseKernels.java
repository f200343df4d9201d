package org.fluxion.kernels;

/**
 * Kernels of sparse matrices given as coordinate lists: entry {@code e} has row {@code rows[e]}, column
 * {@code cols[e]} and value {@code values[vOffset + e]}. Dense operands are row-major and contiguous.
 *
 * <p>Both kernels are parallel over independent outputs and add in entry order within one output, so the
 * result is the same bits for any thread count: {@link #spmm} groups the entries by output row (a stable
 * counting sort, skipped when the targets are already sorted, as in CSR) and gives each row to one thread;
 * {@link #sampledDot} computes one dot product per entry.
 */
public final class SparseKernels {
    /** Below this many multiply-adds per chunk, a loop is not worth handing to another thread. */
    private static final int GRAIN_FLOPS = 1 << 14;

    private SparseKernels() {
    }

    /**
     * {@code out[target[e], :] += values[e] * dense[source[e], :]} for every entry, {@code out} being
     * {@code [outRows, k]} (overwritten, not accumulated into) and {@code dense} {@code [*, k]}. With
     * {@code target = rows, source = cols} this is {@code S @ D}; with them swapped, {@code S^T @ D}.
     */
    public static void spmm(long[] target, int tOffset, long[] source, int sOffset, Object values, int vOffset,
                            int nnz, Object dense, int dOffset, int k, Object out, int outRows) {
        int[] start = new int[outRows + 1];
        int[] order = groupByTarget(target, tOffset, nnz, outRows, start);
        int perRow = Math.max(1, (int) Math.min(Integer.MAX_VALUE, (long) nnz * k / Math.max(1, outRows)));
        int grain = Math.max(1, GRAIN_FLOPS / perRow);
        if (out instanceof float[] o) {
            float[] v = (float[]) values;
            float[] d = (float[]) dense;
            Parallel.forRange(outRows, grain, (a, b) -> {
                for (int i = a; i < b; i++) {
                    int base = i * k;
                    int c = Vectorization.ENABLED
                            ? SpmmRowsF32.row(o, base, k, order, start[i], start[i + 1], v, vOffset, source, sOffset, d, dOffset)
                            : 0;
                    java.util.Arrays.fill(o, base + c, base + k, 0f);
                    for (int p = start[i]; p < start[i + 1]; p++) {
                        int e = order == null ? p : order[p];
                        float w = v[vOffset + e];
                        int src = dOffset + (int) source[sOffset + e] * k;
                        for (int j = c; j < k; j++) {
                            o[base + j] += w * d[src + j];
                        }
                    }
                }
            });
        } else {
            double[] o = (double[]) out;
            double[] v = (double[]) values;
            double[] d = (double[]) dense;
            Parallel.forRange(outRows, grain, (a, b) -> {
                java.util.Arrays.fill(o, a * k, b * k, 0d);
                for (int i = a; i < b; i++) {
                    int base = i * k;
                    for (int p = start[i]; p < start[i + 1]; p++) {
                        int e = order == null ? p : order[p];
                        double w = v[vOffset + e];
                        int src = dOffset + (int) source[sOffset + e] * k;
                        for (int j = 0; j < k; j++) {
                            o[base + j] += w * d[src + j];
                        }
                    }
                }
            });
        }
    }

    /**
     * Fills {@code start} ({@code [outRows + 1]}) with the first position of each target's entries and
     * returns the entries in target order (stable, so entry order within a target is kept), or null when
     * the targets are already non-decreasing and position {@code p} is entry {@code p}.
     */
    private static int[] groupByTarget(long[] target, int tOffset, int nnz, int outRows, int[] start) {
        boolean sorted = true;
        for (int e = 0; e < nnz; e++) {
            int t = (int) target[tOffset + e];
            start[t + 1]++;
            sorted &= e == 0 || target[tOffset + e - 1] <= t;
        }
        for (int i = 0; i < outRows; i++) {
            start[i + 1] += start[i];
        }
        if (sorted) {
            return null;
        }
        int[] next = java.util.Arrays.copyOf(start, outRows);
        int[] order = new int[nnz];
        for (int e = 0; e < nnz; e++) {
            order[next[(int) target[tOffset + e]]++] = e;
        }
        return order;
    }

    /**
     * {@code out[e] = sum_j a[rows[e], j] * b[cols[e], j]}: the dense product {@code A B^T} sampled at the
     * entries (SDDMM), for {@code a} {@code [*, k]} and {@code b} {@code [*, k]}.
     */
    public static void sampledDot(long[] rows, int rOffset, long[] cols, int cOffset, int nnz, Object a, int aOffset,
                                  Object b, int bOffset, int k, Object out) {
        int grain = Math.max(1, GRAIN_FLOPS / Math.max(1, k));
        if (out instanceof float[] o) {
            float[] x = (float[]) a;
            float[] y = (float[]) b;
            Parallel.forRange(nnz, grain, (lo, hi) -> {
                for (int e = lo; e < hi; e++) {
                    int pa = aOffset + (int) rows[rOffset + e] * k;
                    int pb = bOffset + (int) cols[cOffset + e] * k;
                    float s = 0;
                    for (int j = 0; j < k; j++) {
                        s += x[pa + j] * y[pb + j];
                    }
                    o[e] = s;
                }
            });
        } else {
            double[] o = (double[]) out;
            double[] x = (double[]) a;
            double[] y = (double[]) b;
            Parallel.forRange(nnz, grain, (lo, hi) -> {
                for (int e = lo; e < hi; e++) {
                    int pa = aOffset + (int) rows[rOffset + e] * k;
                    int pb = bOffset + (int) cols[cOffset + e] * k;
                    double s = 0;
                    for (int j = 0; j < k; j++) {
                        s += x[pa + j] * y[pb + j];
                    }
                    o[e] = s;
                }
            });
        }
    }
}

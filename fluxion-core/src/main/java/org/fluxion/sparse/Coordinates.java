package org.fluxion.sparse;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/** Validation and index arithmetic shared by the two layouts. */
final class Coordinates {
    private Coordinates() {
    }

    /** An int64 vector over {@code a} without a copy; {@code a} must not be written afterwards. */
    static Tensor wrap(long[] a) {
        return Tensor.wrap(Storage.wrap(DType.INT64, a), Shape.of(a.length));
    }

    /** The entries of an int64 vector, checked to be one. */
    static long[] longs(String op, String role, Tensor t) {
        if (t.dtype() != DType.INT64 || t.rank() != 1) {
            throw new IllegalArgumentException(op + ": " + role + " must be an int64 vector, got " + t.dtype().label() + " "
                    + t.shape());
        }
        if (t.isTraced()) {
            throw new IllegalArgumentException(op + ": " + role + " must be concrete, not traced (the structure of a"
                    + " sparse matrix is data, fixed before jit)");
        }
        return t.toLongArray();
    }

    static void checkShape(String op, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": shape must be non-negative, got [" + rows + ", " + cols + "]");
        }
    }

    /** Checks that the values are a float32/float64 vector of {@code nnz} entries. */
    static void checkValues(String op, Tensor values, int nnz) {
        if (!values.dtype().isFloatingPoint() || values.rank() != 1 || values.dim(0) != nnz) {
            throw new IllegalArgumentException(op + ": values must be a float32 or float64 vector [" + nnz
                    + "] (one per index), got " + values.dtype().label() + " " + values.shape());
        }
    }

    /** Checks every index in {@code [0, bound)}, naming the entry of the first that is not. */
    static void checkRange(String op, String role, long[] index, int bound) {
        for (int e = 0; e < index.length; e++) {
            if (index[e] < 0 || index[e] >= bound) {
                throw new IndexOutOfBoundsException(op + ": " + role + " index " + index[e] + " at entry " + e
                        + " is out of bounds for " + bound + " " + role + "s");
            }
        }
    }

    /** The values at the given entry positions: a slice when they are consecutive, else a gather. */
    static Tensor valuesAt(Tensor values, int[] positions) {
        int n = positions.length;
        boolean run = true;
        for (int i = 1; i < n && run; i++) {
            run = positions[i] == positions[0] + i;
        }
        if (run) {
            int start = n == 0 ? 0 : positions[0];
            return values.slice(0, start, start + n);
        }
        return values.indexSelect(0, Tensor.of(positions, n).to(DType.INT64));
    }

    /** Start of each row's entries ({@code [rows + 1]}) in the stable order of {@link #byRow}. */
    static long[] rowStarts(long[] rowOfEntry, int rows) {
        long[] start = new long[rows + 1];
        for (long r : rowOfEntry) {
            start[(int) r + 1]++;
        }
        for (int i = 0; i < rows; i++) {
            start[i + 1] += start[i];
        }
        return start;
    }

    /** The entries ordered by row, stably (a counting sort), given {@link #rowStarts}. */
    static int[] byRow(long[] rowOfEntry, long[] start) {
        long[] next = start.clone();
        int[] order = new int[rowOfEntry.length];
        for (int e = 0; e < rowOfEntry.length; e++) {
            order[(int) next[(int) rowOfEntry[e]]++] = e;
        }
        return order;
    }

    static void checkRowRange(String op, int start, int end, int rows) {
        if (start < 0 || end > rows || start > end) {
            throw new IndexOutOfBoundsException(op + ": rows [" + start + ", " + end + ") are not within the " + rows
                    + " rows of the matrix");
        }
    }

    static void checkRowIds(String op, long[] ids, int rows) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows) {
                throw new IndexOutOfBoundsException(op + ": row " + ids[i] + " (position " + i
                        + ") is out of bounds for " + rows + " rows");
            }
        }
    }
}

package org.fluxion.sparse;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.tensor.Tensor;

/**
 * A sparse matrix in compressed sparse row layout: row {@code i}'s entries are positions
 * {@code [crow[i], crow[i+1])} of {@code colIndices} and {@code values}. Row slicing and selection cost the
 * selected entries only, which makes CSR the layout for mini-batches of sparse features (one row per
 * example). Construction validates {@code crow} (starts at 0, non-decreasing, ends at nnz) and every column.
 */
public final class CsrMatrix implements SparseMatrix {
    private final long[] crow;
    private final long[] col;
    private final Tensor values;
    private final int rows;
    private final int cols;
    private Tensor rowIndices;
    private Tensor colIndices;

    private CsrMatrix(long[] crow, long[] col, Tensor values, int rows, int cols) {
        this.crow = crow;
        this.col = col;
        this.values = values;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * From row pointers {@code crow [rows + 1]} and column indices {@code [nnz]} (int64) and values {@code [nnz]}.
     *
     * @throws IllegalArgumentException for a wrong dtype or length, or row pointers that are not valid
     * @throws IndexOutOfBoundsException naming the entry of a column outside {@code [0, cols)}
     */
    public static CsrMatrix of(Tensor crowIndices, Tensor colIndices, Tensor values, int rows, int cols) {
        return of(Coordinates.longs("CsrMatrix", "crow", crowIndices),
                Coordinates.longs("CsrMatrix", "column", colIndices), values, rows, cols);
    }

    /** As {@link #of(Tensor, Tensor, Tensor, int, int)}, taking ownership of the arrays. */
    public static CsrMatrix of(long[] crow, long[] col, Tensor values, int rows, int cols) {
        Coordinates.checkShape("CsrMatrix", rows, cols);
        if (crow.length != rows + 1) {
            throw new IllegalArgumentException("CsrMatrix: crow must have rows + 1 = " + (rows + 1) + " entries, got "
                    + crow.length);
        }
        if (crow[0] != 0 || crow[rows] != col.length) {
            throw new IllegalArgumentException("CsrMatrix: crow must start at 0 and end at nnz = " + col.length
                    + ", got " + crow[0] + " and " + crow[rows]);
        }
        for (int i = 0; i < rows; i++) {
            if (crow[i + 1] < crow[i]) {
                throw new IllegalArgumentException("CsrMatrix: crow must be non-decreasing, but crow[" + (i + 1) + "] = "
                        + crow[i + 1] + " < crow[" + i + "] = " + crow[i]);
            }
        }
        Coordinates.checkValues("CsrMatrix", values, col.length);
        Coordinates.checkRange("CsrMatrix", "column", col, cols);
        return new CsrMatrix(crow, col, values, rows, cols);
    }

    /** The non-zero entries of a dense {@code [rows, cols]} matrix, row by row; values gathered (differentiable). */
    public static CsrMatrix fromDense(Tensor dense) {
        return CooMatrix.fromDense(dense).toCsr();
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Tensor values() {
        return values;
    }

    /** The row pointers {@code [rows + 1]}, int64. */
    public Tensor crowIndices() {
        return Coordinates.wrap(crow.clone());
    }

    @Override
    public Tensor rowIndices() {
        if (rowIndices == null) {
            long[] r = new long[col.length];
            for (int i = 0; i < rows; i++) {
                java.util.Arrays.fill(r, (int) crow[i], (int) crow[i + 1], i);
            }
            rowIndices = Coordinates.wrap(r);
        }
        return rowIndices;
    }

    @Override
    public Tensor colIndices() {
        if (colIndices == null) {
            colIndices = Coordinates.wrap(col);
        }
        return colIndices;
    }

    @Override
    public CsrMatrix withValues(Tensor values) {
        Coordinates.checkValues("CsrMatrix.withValues", values, col.length);
        return new CsrMatrix(crow, col, values, rows, cols);
    }

    @Override
    public CsrMatrix sliceRows(int start, int end) {
        Coordinates.checkRowRange("CsrMatrix.sliceRows", start, end, rows);
        int from = (int) crow[start];
        int to = (int) crow[end];
        long[] c = new long[end - start + 1];
        for (int i = 0; i < c.length; i++) {
            c[i] = crow[start + i] - from;
        }
        return new CsrMatrix(c, java.util.Arrays.copyOfRange(col, from, to), values.slice(0, from, to), end - start, cols);
    }

    @Override
    public CsrMatrix selectRows(long... ids) {
        Coordinates.checkRowIds("CsrMatrix.selectRows", ids, rows);
        long[] c = new long[ids.length + 1];
        for (int i = 0; i < ids.length; i++) {
            c[i + 1] = c[i] + crow[(int) ids[i] + 1] - crow[(int) ids[i]];
        }
        int[] positions = new int[(int) c[ids.length]];
        long[] cs = new long[positions.length];
        int p = 0;
        for (long id : ids) {
            for (int e = (int) crow[(int) id]; e < crow[(int) id + 1]; e++) {
                cs[p] = col[e];
                positions[p++] = e;
            }
        }
        return new CsrMatrix(c, cs, Coordinates.valuesAt(values, positions), ids.length, cols);
    }

    /** The same matrix as a coordinate list (entries in row order). */
    public CooMatrix toCoo() {
        return CooMatrix.of(rowIndices().toLongArray(), col.clone(), values, rows, cols);
    }

    /**
     * Matrices stacked along {@code axis}: 0 puts their rows one after another (same column count), 1 their
     * columns side by side (same row count; each row's entries taken from the first matrix, then the next).
     * The values are concatenated (and reordered for axis 1), so gradients reach each part.
     */
    public static CsrMatrix concat(int axis, List<CsrMatrix> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("CsrMatrix.concat: no matrices");
        }
        boolean byRows = org.fluxion.tensor.Shape.normalizeAxis(axis, 2, "CsrMatrix.concat") == 0;
        CsrMatrix first = parts.getFirst();
        int rows = 0;
        int cols = 0;
        int nnz = 0;
        for (CsrMatrix m : parts) {
            if (byRows ? m.cols != first.cols : m.rows != first.rows) {
                throw new IllegalArgumentException("CsrMatrix.concat: along axis " + (byRows ? 0 : 1) + " every matrix"
                        + " must have " + (byRows ? first.cols + " columns" : first.rows + " rows") + ", got " + m.shape());
            }
            rows += m.rows;
            cols += m.cols;
            nnz += m.nnz();
        }
        List<Tensor> values = new ArrayList<>();
        parts.forEach(m -> values.add(m.values));
        Tensor joined = Tensor.concat(0, values);
        long[] col = new long[nnz];
        if (byRows) {
            long[] crow = new long[rows + 1];
            int r = 0;
            int e = 0;
            for (CsrMatrix m : parts) {
                for (int i = 0; i < m.rows; i++) {
                    crow[r + i + 1] = e + m.crow[i + 1];
                }
                System.arraycopy(m.col, 0, col, e, m.col.length);
                r += m.rows;
                e += m.col.length;
            }
            return new CsrMatrix(crow, col, joined, rows, first.cols);
        }
        long[] crow = new long[first.rows + 1];
        int[] positions = new int[nnz];
        int p = 0;
        for (int i = 0; i < first.rows; i++) {
            int base = 0;
            int shift = 0;
            for (CsrMatrix m : parts) {
                for (int e = (int) m.crow[i]; e < m.crow[i + 1]; e++) {
                    col[p] = m.col[e] + shift;
                    positions[p++] = base + e;
                }
                base += m.col.length;
                shift += m.cols;
            }
            crow[i + 1] = p;
        }
        return new CsrMatrix(crow, col, Coordinates.valuesAt(joined, positions), first.rows, cols);
    }

    @Override
    public CsrMatrix mul(double factor) {
        return withValues(values.mul(factor));
    }

    @Override
    public CsrMatrix mul(Tensor other) {
        return (CsrMatrix) SparseMatrix.super.mul(other);
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + ", " + cols + "] nnz=" + nnz() + " " + dtype().label();
    }
}

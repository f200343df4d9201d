package org.fluxion.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * A sparse matrix as a coordinate list, in any order, repeats allowed (they add up, as in PyTorch's
 * uncoalesced tensors). {@link #coalesce} sorts the entries by (row, column) and sums the repeats;
 * {@link #toCsr} compresses the rows. Construction validates every index.
 */
public final class CooMatrix implements SparseMatrix {
    private final long[] row;
    private final long[] col;
    private final Tensor values;
    private final int rows;
    private final int cols;
    private Tensor rowIndices;
    private Tensor colIndices;

    private CooMatrix(long[] row, long[] col, Tensor values, int rows, int cols) {
        this.row = row;
        this.col = col;
        this.values = values;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * From indices {@code [2, nnz]} (int64, the first row the row indices, the second the columns, as
     * {@code torch.sparse_coo_tensor}) and values {@code [nnz]}.
     *
     * @throws IllegalArgumentException for a wrong dtype or shape
     * @throws IndexOutOfBoundsException naming the entry of an index outside the shape
     */
    public static CooMatrix of(Tensor indices, Tensor values, int rows, int cols) {
        if (indices.dtype() != DType.INT64 || indices.rank() != 2 || indices.dim(0) != 2) {
            throw new IllegalArgumentException("CooMatrix: indices must be int64 [2, nnz], got " + indices.dtype().label()
                    + " " + indices.shape());
        }
        return of(Coordinates.longs("CooMatrix", "row", indices.select(0, 0)),
                Coordinates.longs("CooMatrix", "column", indices.select(0, 1)), values, rows, cols);
    }

    /** From row and column indices {@code [nnz]} each, taking ownership of the arrays. */
    public static CooMatrix of(long[] row, long[] col, Tensor values, int rows, int cols) {
        Coordinates.checkShape("CooMatrix", rows, cols);
        if (row.length != col.length) {
            throw new IllegalArgumentException("CooMatrix: " + row.length + " row indices but " + col.length
                    + " column indices");
        }
        Coordinates.checkValues("CooMatrix", values, row.length);
        Coordinates.checkRange("CooMatrix", "row", row, rows);
        Coordinates.checkRange("CooMatrix", "column", col, cols);
        return new CooMatrix(row, col, values, rows, cols);
    }

    /**
     * The non-zero entries of a dense float {@code [rows, cols]} matrix in row-major order; the values are
     * gathered from it, so gradients reach the dense matrix at those entries.
     */
    public static CooMatrix fromDense(Tensor dense) {
        if (dense.rank() != 2 || !dense.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("CooMatrix.fromDense: expected a float32 or float64 matrix, got "
                    + dense.dtype().label() + " " + dense.shape());
        }
        double[] d = dense.detach().toDoubleArray();
        int n = 0;
        for (double x : d) {
            n += x != 0 ? 1 : 0;
        }
        long[] r = new long[n];
        long[] c = new long[n];
        long[] flat = new long[n];
        int cols = dense.dim(1);
        for (int i = 0, e = 0; i < d.length; i++) {
            if (d[i] != 0) {
                r[e] = i / cols;
                c[e] = i % cols;
                flat[e++] = i;
            }
        }
        Tensor values = dense.reshape(-1).indexSelect(0, Coordinates.wrap(flat));
        return new CooMatrix(r, c, values, dense.dim(0), cols);
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

    /** The indices {@code [2, nnz]}: rows, then columns. */
    public Tensor indices() {
        return Tensor.stack(0, rowIndices(), colIndices());
    }

    @Override
    public Tensor rowIndices() {
        if (rowIndices == null) {
            rowIndices = Coordinates.wrap(row);
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
    public CooMatrix withValues(Tensor values) {
        Coordinates.checkValues("CooMatrix.withValues", values, row.length);
        return new CooMatrix(row, col, values, rows, cols);
    }

    /** True when the entries are sorted by (row, column) without repeats. */
    public boolean isCoalesced() {
        for (int e = 1; e < row.length; e++) {
            if (row[e] < row[e - 1] || (row[e] == row[e - 1] && col[e] <= col[e - 1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Entries sorted by (row, column), repeats summed (differentiable: the values are scatter-added into
     * their unique places).
     */
    public CooMatrix coalesce() {
        if (isCoalesced()) {
            return this;
        }
        int n = row.length;
        Integer[] order = new Integer[n];
        for (int e = 0; e < n; e++) {
            order[e] = e;
        }
        Arrays.sort(order, (a, b) -> row[a] != row[b] ? Long.compare(row[a], row[b]) : Long.compare(col[a], col[b]));
        long[] place = new long[n];
        long[] r = new long[n];
        long[] c = new long[n];
        int u = -1;
        for (int k = 0; k < n; k++) {
            int e = order[k];
            if (u < 0 || row[e] != r[u] || col[e] != c[u]) {
                u++;
                r[u] = row[e];
                c[u] = col[e];
            }
            place[e] = u;
        }
        int unique = u + 1;
        Tensor summed = Tensor.zeros(dtype(), unique).scatterAdd(0, Coordinates.wrap(place), values);
        return new CooMatrix(Arrays.copyOf(r, unique), Arrays.copyOf(c, unique), summed, rows, cols);
    }

    /** The same matrix in compressed rows, coalesced first. */
    public CsrMatrix toCsr() {
        CooMatrix m = coalesce();
        return CsrMatrix.of(Coordinates.rowStarts(m.row, rows), m.col, m.values, rows, cols);
    }

    @Override
    public CooMatrix sliceRows(int start, int end) {
        Coordinates.checkRowRange("CooMatrix.sliceRows", start, end, rows);
        int n = 0;
        for (long r : row) {
            n += r >= start && r < end ? 1 : 0;
        }
        int[] positions = new int[n];
        long[] r = new long[n];
        long[] c = new long[n];
        for (int e = 0, p = 0; e < row.length; e++) {
            if (row[e] >= start && row[e] < end) {
                r[p] = row[e] - start;
                c[p] = col[e];
                positions[p++] = e;
            }
        }
        return new CooMatrix(r, c, Coordinates.valuesAt(values, positions), end - start, cols);
    }

    @Override
    public CooMatrix selectRows(long... ids) {
        Coordinates.checkRowIds("CooMatrix.selectRows", ids, rows);
        long[] start = Coordinates.rowStarts(row, rows);
        int[] order = Coordinates.byRow(row, start);
        int n = 0;
        for (long id : ids) {
            n += (int) (start[(int) id + 1] - start[(int) id]);
        }
        int[] positions = new int[n];
        long[] r = new long[n];
        long[] c = new long[n];
        int p = 0;
        for (int i = 0; i < ids.length; i++) {
            for (long k = start[(int) ids[i]]; k < start[(int) ids[i] + 1]; k++) {
                int e = order[(int) k];
                r[p] = i;
                c[p] = col[e];
                positions[p++] = e;
            }
        }
        return new CooMatrix(r, c, Coordinates.valuesAt(values, positions), ids.length, cols);
    }

    /**
     * Matrices stacked along {@code axis} (0: rows after rows, same column count; 1: columns side by side,
     * same row count); entries appended in order, values concatenated.
     */
    public static CooMatrix concat(int axis, List<CooMatrix> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("CooMatrix.concat: no matrices");
        }
        boolean byRows = Shape.normalizeAxis(axis, 2, "CooMatrix.concat") == 0;
        CooMatrix first = parts.getFirst();
        int nnz = 0;
        for (CooMatrix m : parts) {
            if (byRows ? m.cols != first.cols : m.rows != first.rows) {
                throw new IllegalArgumentException("CooMatrix.concat: along axis " + (byRows ? 0 : 1) + " every matrix"
                        + " must have " + (byRows ? first.cols + " columns" : first.rows + " rows") + ", got " + m.shape());
            }
            nnz += m.nnz();
        }
        long[] r = new long[nnz];
        long[] c = new long[nnz];
        List<Tensor> values = new ArrayList<>();
        int e = 0;
        int shift = 0;
        for (CooMatrix m : parts) {
            for (int k = 0; k < m.row.length; k++, e++) {
                r[e] = m.row[k] + (byRows ? shift : 0);
                c[e] = m.col[k] + (byRows ? 0 : shift);
            }
            shift += byRows ? m.rows : m.cols;
            values.add(m.values);
        }
        return new CooMatrix(r, c, Tensor.concat(0, values), byRows ? shift : first.rows, byRows ? first.cols : shift);
    }

    @Override
    public CooMatrix mul(double factor) {
        return withValues(values.mul(factor));
    }

    @Override
    public CooMatrix mul(Tensor other) {
        return (CooMatrix) SparseMatrix.super.mul(other);
    }

    @Override
    public String toString() {
        return "CooMatrix[" + rows + ", " + cols + "] nnz=" + nnz() + " " + dtype().label();
    }
}

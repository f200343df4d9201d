package org.fluxion.sparse;

import org.fluxion.ops.Ops;
import org.fluxion.ops.SparseMatMul;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * A sparse matrix {@code [rows, cols]} of {@link #nnz} stored entries: entry {@code e} is at
 * ({@code rowIndices[e]}, {@code colIndices[e]}) with value {@code values[e]}; entries at the same place add
 * up. Every operation that returns a tensor or a matrix is differentiable with respect to the values and
 * to dense operands.
 */
public sealed interface SparseMatrix permits CooMatrix, CsrMatrix {
    int rows();

    int cols();

    /** The values {@code [nnz]}, float32 or float64; may require a gradient. */
    Tensor values();

    /** The row of each entry, int64 {@code [nnz]}. */
    Tensor rowIndices();

    /** The column of each entry, int64 {@code [nnz]}. */
    Tensor colIndices();

    /** The same structure with other values {@code [nnz]} (e.g. a function of these). */
    SparseMatrix withValues(Tensor values);

    /** Rows {@code [start, end)} as a matrix {@code [end - start, cols]}; the values are a slice or gather. */
    SparseMatrix sliceRows(int start, int end);

    /** The given rows, in this order (repeats allowed): {@code [ids.length, cols]}, a mini-batch. */
    SparseMatrix selectRows(long... ids);

    default int nnz() {
        return values().dim(0);
    }

    default DType dtype() {
        return values().dtype();
    }

    default Shape shape() {
        return Shape.of(rows(), cols());
    }

    /** {@code this @ dense}: dense {@code [cols, k]} gives {@code [rows, k]}; a vector {@code [cols]} gives {@code [rows]}. */
    default Tensor matmul(Tensor dense) {
        return product(new SparseMatMul(rows(), cols(), false), dense, cols());
    }

    /** {@code this^T @ dense}: dense {@code [rows, k]} gives {@code [cols, k]}; a vector {@code [rows]} gives {@code [cols]}. */
    default Tensor transposeMatmul(Tensor dense) {
        return product(new SparseMatMul(rows(), cols(), true), dense, rows());
    }

    /** {@code dense @ this^T}: dense {@code [m, cols]} gives {@code [m, rows]}, as {@code (this @ dense^T)^T}. */
    default Tensor denseMatmulTranspose(Tensor dense) {
        if (dense.rank() != 2) {
            throw new IllegalArgumentException("denseMatmulTranspose: dense operand must be [m, " + cols()
                    + "], got " + dense.shape());
        }
        return matmul(dense.transpose()).transpose();
    }

    private Tensor product(SparseMatMul p, Tensor dense, int inner) {
        if (dense.rank() == 1 && dense.dim(0) == inner) {
            return Ops.bind(p, rowIndices(), colIndices(), values(), dense.reshape(inner, 1)).reshape(-1);
        }
        return Ops.bind(p, rowIndices(), colIndices(), values(), dense);
    }

    /** The dense matrix {@code [rows, cols]} (repeated entries added). */
    default Tensor toDense() {
        if ((long) rows() * cols() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("toDense: " + shape() + " has " + (long) rows() * cols()
                    + " elements, more than a dense tensor holds (" + Integer.MAX_VALUE + "); keep it sparse");
        }
        long[] r = rowIndices().toLongArray();
        long[] c = colIndices().toLongArray();
        long[] flat = new long[r.length];
        for (int e = 0; e < r.length; e++) {
            flat[e] = r[e] * cols() + c[e];
        }
        return Tensor.zeros(dtype(), rows() * cols()).scatterAdd(0, Tensor.of(flat, flat.length), values())
                .reshape(rows(), cols());
    }

    /** The sum of all entries, a scalar. */
    default Tensor sum() {
        return values().sum();
    }

    /** Sum over {@code axis}: 0 gives the column sums {@code [cols]}, 1 (or -1) the row sums {@code [rows]}. */
    default Tensor sum(int axis) {
        int a = Shape.normalizeAxis(axis, 2, "SparseMatrix.sum");
        return a == 0 ? Tensor.zeros(dtype(), cols()).scatterAdd(0, colIndices(), values())
                : Tensor.zeros(dtype(), rows()).scatterAdd(0, rowIndices(), values());
    }

    /** Every value times {@code factor}, same structure. */
    default SparseMatrix mul(double factor) {
        return withValues(values().mul(factor));
    }

    /**
     * Elementwise product with a dense {@code other} that broadcasts to {@code [rows, cols]} (a scalar, a
     * row scale {@code [rows, 1]}, a column scale {@code [cols]} or {@code [1, cols]}, a full matrix): only
     * the stored entries are multiplied, so the structure is kept.
     */
    default SparseMatrix mul(Tensor other) {
        if (other.rank() == 0) {
            return withValues(values().mul(other));
        }
        if (other.rank() > 2) {
            throw new IllegalArgumentException("SparseMatrix.mul: " + other.shape() + " does not broadcast to " + shape());
        }
        Tensor m = other.rank() == 1 ? other.reshape(1, other.dim(0)) : other;
        int r0 = m.dim(0);
        int c0 = m.dim(1);
        if ((r0 != 1 && r0 != rows()) || (c0 != 1 && c0 != cols())) {
            throw new IllegalArgumentException("SparseMatrix.mul: " + other.shape() + " does not broadcast to " + shape());
        }
        long[] r = rowIndices().toLongArray();
        long[] c = colIndices().toLongArray();
        long[] flat = new long[r.length];
        for (int e = 0; e < r.length; e++) {
            flat[e] = (r0 == 1 ? 0 : r[e]) * c0 + (c0 == 1 ? 0 : c[e]);
        }
        return withValues(values().mul(m.reshape(-1).indexSelect(0, Tensor.of(flat, flat.length)).to(dtype())));
    }
}

package org.fluxion.sparse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A tensor {@code [rows, d...]} of which only some rows are stored: {@code indices [U]} (int64, strictly
 * increasing) and their {@code values [U, d...]}; every other row is zero. This is the gradient of a lookup
 * table that touched {@code U} rows (PyTorch's coalesced sparse gradient of {@code EmbeddingBag(sparse=True)},
 * TensorFlow's {@code IndexedSlices}), which sparse optimizers apply to those rows only.
 *
 * @param indices the stored rows, int64 {@code [U]}, strictly increasing
 * @param values  their values {@code [U, d...]}
 * @param rows    the number of rows of the whole tensor
 */
public record RowSparse(Tensor indices, Tensor values, int rows) {
    public RowSparse {
        if (indices.dtype() != DType.INT64 || indices.rank() != 1) {
            throw new IllegalArgumentException("RowSparse: indices must be an int64 vector, got " + indices.dtype().label()
                    + " " + indices.shape());
        }
        if (values.rank() < 1 || values.dim(0) != indices.dim(0)) {
            throw new IllegalArgumentException("RowSparse: values must have one row per index (" + indices.dim(0)
                    + "), got " + values.shape());
        }
        long[] ids = indices.toLongArray();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= rows || (i > 0 && ids[i] <= ids[i - 1])) {
                throw new IllegalArgumentException("RowSparse: indices must be strictly increasing within [0, " + rows
                        + "), but index " + i + " is " + ids[i] + (i > 0 ? " after " + ids[i - 1] : ""));
            }
        }
    }

    /** The dense tensor {@code [rows, d...]}, zero outside the stored rows. */
    public Tensor toDense() {
        int[] dims = values.dims();
        dims[0] = rows;
        int[] one = values.dims();
        Arrays.fill(one, 1);
        one[0] = indices.dim(0);
        Tensor index = indices.reshape(one).expand(values.dims());
        return Tensor.zeros(values.dtype(), dims).scatterAdd(0, index, values);
    }

    /**
     * The sum of row-sparse tensors of one shape (rows stored by several are added; the result stores the
     * union, in increasing order): what accumulating the gradients of several lookups into one table gives.
     */
    public static RowSparse sum(List<RowSparse> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("RowSparse.sum: nothing to add");
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        RowSparse first = parts.getFirst();
        List<Tensor> ids = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (RowSparse p : parts) {
            if (p.rows != first.rows || !Arrays.equals(p.values.dims(), 1, p.values.rank(), first.values.dims(), 1,
                    first.values.rank())) {
                throw new IllegalArgumentException("RowSparse.sum: shapes differ: " + first.rows + " rows of "
                        + first.values.shape() + " and " + p.rows + " rows of " + p.values.shape());
            }
            ids.add(p.indices);
            values.add(p.values);
        }
        long[] all = Tensor.concat(0, ids).toLongArray();
        long[] unique = Arrays.stream(all).sorted().distinct().toArray();
        long[] place = new long[all.length];
        for (int i = 0; i < all.length; i++) {
            place[i] = Arrays.binarySearch(unique, all[i]);
        }
        Tensor joined = Tensor.concat(0, values);
        int[] dims = joined.dims();
        dims[0] = unique.length;
        int[] one = joined.dims();
        Arrays.fill(one, 1);
        one[0] = all.length;
        Tensor index = Coordinates.wrap(place).reshape(one).expand(joined.dims());
        Tensor summed = Tensor.zeros(joined.dtype(), dims).scatterAdd(0, index, joined);
        return new RowSparse(Coordinates.wrap(unique), summed, first.rows);
    }
}

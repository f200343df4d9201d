package org.fluxion.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.fluxion.data.TensorDataset;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * One worker's examples, as Spark ships them: {@code count} samples of shape {@code featureDims} in one
 * row-major {@code float} array, and their labels (class indices, or float targets of shape
 * {@code labelDims}).
 *
 * @param count       number of samples
 * @param featureDims the shape of one sample, e.g. {@code [1, 28, 28]}
 * @param features    {@code count * prod(featureDims)} values
 * @param labelDims   the shape of one label ({@code []} for a class index or a scalar target)
 * @param labels      {@code count * prod(labelDims)} values
 * @param classLabels true: labels are class indices (int64 tensors); false: float32 targets
 */
public record Shard(int count, int[] featureDims, float[] features, int[] labelDims, float[] labels,
                    boolean classLabels) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Validates the lengths. */
    public Shard {
        if (features.length != (long) count * size(featureDims)) {
            throw new IllegalArgumentException("Shard: " + features.length + " feature values for " + count
                    + " samples of shape " + Arrays.toString(featureDims));
        }
        if (labels.length != (long) count * size(labelDims)) {
            throw new IllegalArgumentException("Shard: " + labels.length + " label values for " + count
                    + " labels of shape " + Arrays.toString(labelDims));
        }
    }

    /** Samples {@code [from, to)} of {@code data} (features converted to float32; int64 labels are class indices). */
    public static Shard of(TensorDataset data, int from, int to) {
        TensorDataset part = data.slice(from, to);
        int[] fd = Arrays.copyOfRange(part.features().shape().dims(), 1, part.features().shape().rank());
        int[] ld = Arrays.copyOfRange(part.labels().shape().dims(), 1, part.labels().shape().rank());
        boolean classes = !part.labels().dtype().isFloatingPoint();
        return new Shard(to - from, fd, part.features().toFloatArray(), ld, part.labels().toFloatArray(), classes);
    }

    /** The shards concatenated (a worker's partition may hold several); they must agree on shapes. */
    public static Shard concat(List<Shard> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("Shard.concat: no shards (a partition of the training data is empty)");
        }
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        Shard first = parts.getFirst();
        int count = 0;
        for (Shard s : parts) {
            if (!Arrays.equals(s.featureDims, first.featureDims) || !Arrays.equals(s.labelDims, first.labelDims)) {
                throw new IllegalArgumentException("Shard.concat: samples of shape " + Arrays.toString(s.featureDims)
                        + " and " + Arrays.toString(first.featureDims) + " in one data set");
            }
            count += s.count;
        }
        float[] f = new float[count * size(first.featureDims)];
        float[] l = new float[count * size(first.labelDims)];
        int fi = 0;
        int li = 0;
        for (Shard s : parts) {
            System.arraycopy(s.features, 0, f, fi, s.features.length);
            System.arraycopy(s.labels, 0, l, li, s.labels.length);
            fi += s.features.length;
            li += s.labels.length;
        }
        return new Shard(count, first.featureDims, f, first.labelDims, l, first.classLabels);
    }

    /** The samples {@code rows} as a batch: features {@code [rows.length, featureDims...]}, labels likewise. */
    public Tensor[] batch(int[] rows, int from, int to) {
        int fs = size(featureDims);
        int ls = size(labelDims);
        int n = to - from;
        float[] f = new float[n * fs];
        float[] l = new float[n * ls];
        for (int i = 0; i < n; i++) {
            System.arraycopy(features, rows[from + i] * fs, f, i * fs, fs);
            System.arraycopy(labels, rows[from + i] * ls, l, i * ls, ls);
        }
        Tensor x = Tensor.of(f, prepend(n, featureDims));
        Tensor y = Tensor.of(l, prepend(n, labelDims));
        return new Tensor[] {x, classLabels ? y.to(DType.INT64) : y};
    }

    /** The whole shard as a data set. */
    public TensorDataset toDataset() {
        int[] all = new int[count];
        Arrays.setAll(all, i -> i);
        Tensor[] b = batch(all, 0, count);
        return new TensorDataset(b[0], b[1]);
    }

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    static int[] prepend(int n, int[] dims) {
        int[] out = new int[dims.length + 1];
        out[0] = n;
        System.arraycopy(dims, 0, out, 1, dims.length);
        return out;
    }

    @Override
    public String toString() {
        return "Shard[" + count + " samples of " + Arrays.toString(featureDims) + "]";
    }
}

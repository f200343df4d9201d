package org.fluxion.testing;

import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/** Random shapes, values and layouts for kernel tests. */
public final class RandomTensors {
    private final Random rng;

    public RandomTensors(long seed) {
        this.rng = new Random(seed);
    }

    public Random random() {
        return rng;
    }

    /** A random shape of the given rank with dims in [0, maxDim], size 0 with small probability. */
    public int[] shape(int rank, int maxDim) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = rng.nextInt(20) == 0 ? 0 : 1 + rng.nextInt(maxDim);
        }
        return d;
    }

    /** Values of the given dtype; floats in [-3, 3], ints in [-5, 5]. */
    public Tensor values(DType dtype, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = dtype.isFloatingPoint() ? rng.nextDouble() * 6 - 3 : rng.nextInt(11) - 5;
        }
        return Tensor.of(v, dims).to(dtype);
    }

    /**
     * The same values in a non-contiguous layout: stored transposed (or with a gap via a step slice) and
     * viewed back in {@code t}'s shape.
     */
    public Tensor nonContiguous(Tensor t) {
        if (t.rank() >= 2 && rng.nextBoolean()) {
            return t.transpose(0, t.rank() - 1).contiguous().transpose(0, t.rank() - 1);
        }
        if (t.rank() == 0) {
            return t;
        }
        // Every element followed by a gap: strides are twice the dense ones.
        double[] v = t.toDoubleArray();
        org.fluxion.tensor.Storage storage = org.fluxion.tensor.Storage.allocate(t.dtype(), 2 * v.length + 1);
        for (int i = 0; i < v.length; i++) {
            storage.setDouble(2 * i + 1, v[i]);
        }
        int[] strides = t.shape().contiguousStrides();
        for (int i = 0; i < strides.length; i++) {
            strides[i] *= 2;
        }
        return TensorInternals.view(storage, t.shape(), strides, 1);
    }
}

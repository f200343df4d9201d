package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedLoop;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the int64 index of the largest ({@code max}) or smallest element along {@code axis}.
 * Shape rule: {@code axis} is removed, or kept with size 1 when {@code keepDims}; the axis must not be
 * empty. Ties give the first index; NaN counts as larger (and smaller) than everything, so the first NaN
 * wins, as in NumPy and PyTorch. {@code axis} is normalized ({@code 0 <= axis < rank}).
 *
 * <p>Kernel: walks the output with {@link StridedLoop} over the kept axes of the input, scanning the
 * reduced axis with its own stride for each output; works on any view without copying.
 */
public record ArgReduce(boolean max, int axis, boolean keepDims) implements Primitive {
    /** VJP: none; the output is an integer index. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {null};
    }

    /** JVP: none (zero); the output is an integer index. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return null;
    }

    @Override
    public String name() {
        return max ? "argmax" : "argmin";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        int a = Shape.normalizeAxis(axis, s.rank(), name());
        if (s.dim(a) == 0) {
            throw new IllegalArgumentException(name() + ": cannot reduce over axis " + axis
                    + " of size 0 (shape " + s + "): the " + name() + " of no elements is undefined");
        }
        return new TensorType(Shape.of(keptDims(s.dims(), a, keepDims)), DType.INT64);
    }

    private static int[] keptDims(int[] dims, int a, boolean keep) {
        if (keep) {
            int[] d = dims.clone();
            d[a] = 1;
            return d;
        }
        int[] d = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != a) {
                d[j++] = dims[i];
            }
        }
        return d;
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        int a = Shape.normalizeAxis(axis, x.rank(), name());
        int n = x.dim(a);
        int step = x.stride(a);
        int[] dims = keptDims(x.dims(), a, false);
        int[] xs = keptDims(x.strides(), a, false);
        Tensor y = Tensor.empty(Shape.of(dims), DType.INT64);
        long[] ya = storage(y).longs();
        StridedLoop loop = StridedLoop.of(dims, new int[] {x.offset(), 0}, xs, y.strides());
        int inner = loop.innerStride(0);
        Storage st = storage(x);
        Object xa = st.array();
        boolean isMax = max;
        loop.forEach(Math.max(1, Reduce.GRAIN / n), (o, len) -> {
            for (int i = 0; i < len; i++) {
                int p = o[0] + i * inner;
                ya[o[1] + i] = switch (xa) {
                    case float[] f -> scanFloat(f, p, n, step, isMax);
                    case double[] d -> scanDouble(d, p, n, step, isMax);
                    default -> scanLong(st, p, n, step, isMax);
                };
            }
        });
        return keepDims ? Views.reshape(y, out.shape().dims()) : y;
    }

    private static int scanFloat(float[] a, int p, int n, int step, boolean max) {
        float best = a[p];
        int bi = 0;
        for (int i = 1; i < n && best == best; i++) { // stops at the first NaN, which wins
            float v = a[p + i * step];
            if (max ? v > best || v != v : v < best || v != v) {
                best = v;
                bi = i;
            }
        }
        return bi;
    }

    private static int scanDouble(double[] a, int p, int n, int step, boolean max) {
        double best = a[p];
        int bi = 0;
        for (int i = 1; i < n && best == best; i++) {
            double v = a[p + i * step];
            if (max ? v > best || v != v : v < best || v != v) {
                best = v;
                bi = i;
            }
        }
        return bi;
    }

    private static int scanLong(Storage s, int p, int n, int step, boolean max) {
        long best = s.getLong(p);
        int bi = 0;
        for (int i = 1; i < n; i++) {
            long v = s.getLong(p + i * step);
            if (max ? v > best : v < best) {
                best = v;
                bi = i;
            }
        }
        return bi;
    }

    @Override
    public String toString() {
        return "ArgReduce[" + name() + ", axis=" + axis + ", keepDims=" + keepDims + "]";
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(new ArgReduce(max, Batching.shifted(axis, Batching.exampleRank(in[0], true), name()), keepDims),
                in[0]);
    }
}

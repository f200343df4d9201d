package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.kernels.StridedCopy;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: constant padding. Input {@code [d_0, ..., d_(r-1)]} gives
 * {@code [before_0 + d_0 + after_0, ...]} with {@code out[before + i] = x[i]} and {@code value} (converted
 * to the dtype) elsewhere. Both arrays have one entry per axis, all {@code >= 0}.
 *
 * <p>Its VJP is the slice of the cotangent at {@code [before, before + d)} on every axis; its JVP pads the
 * tangent with zeros.
 */
public record Pad(int[] before, int[] after, double value) implements Primitive {
    public Pad {
        before = before.clone();
        after = after.clone();
    }

    /** VJP: the interior box of the cotangent, {@code g[before : before + d]} on every axis. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        Tensor r = g;
        for (int d = 0; d < before.length; d++) {
            if (before[d] != 0 || after[d] != 0) {
                r = r.slice(d, before[d], before[d] + in[0].dim(d));
            }
        }
        return new Tensor[] {r};
    }

    /** JVP: the tangent padded with zeros (the pad value is a constant). */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(new Pad(before, after, 0), t[0]);
    }

    @Override
    public String name() {
        return "pad";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        if (before.length != s.rank() || after.length != s.rank()) {
            throw new IllegalArgumentException("pad: " + before.length + " before and " + after.length
                    + " after amounts for tensor " + s + " of rank " + s.rank() + " (need one of each per axis)");
        }
        long[] dims = new long[s.rank()];
        for (int d = 0; d < dims.length; d++) {
            if (before[d] < 0 || after[d] < 0) {
                throw new IllegalArgumentException("pad: negative padding " + (before[d] < 0 ? before[d] : after[d])
                        + (before[d] < 0 ? " before" : " after") + " axis " + d + " of tensor " + s
                        + " is not supported (use slice to crop)");
            }
            dims[d] = (long) s.dim(d) + before[d] + after[d];
        }
        return new TensorType(Shape.ofLong(name(), dims), in[0].dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        Tensor y = Tensor.full(value, out.dtype(), out.shape().dims());
        int[] ys = y.strides();
        int start = 0;
        for (int d = 0; d < ys.length; d++) {
            start += before[d] * ys[d];
        }
        // The input lands in the interior box of the filled output; its rows are contiguous runs there.
        StridedCopy.copy(storage(x).array(), x.offset(), x.strides(), x.dims(), storage(y).array(), start, ys);
        return y;
    }

    @Override
    public int[] before() {
        return before.clone();
    }

    @Override
    public int[] after() {
        return after.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pad p && Arrays.equals(before, p.before) && Arrays.equals(after, p.after)
                && Double.compare(value, p.value) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(before) + Arrays.hashCode(after)) + Double.hashCode(value);
    }

    @Override
    public String toString() {
        return "Pad[before=" + Arrays.toString(before) + ", after=" + Arrays.toString(after) + ", value=" + value + "]";
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(new Pad(Batching.prependZero(before), Batching.prependZero(after), value), in[0]);
    }
}

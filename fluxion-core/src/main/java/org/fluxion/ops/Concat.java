package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedCopy;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: n-ary concatenation along an existing axis. Inputs {@code [..., n_k, ...]} (equal outside
 * {@code axis}) give {@code [..., sum_k n_k, ...]}; input k occupies positions
 * {@code [n_0 + ... + n_(k-1), n_0 + ... + n_k)} of the axis. The dtype is the promotion of all inputs.
 *
 * <p>Its VJP is one slice of the cotangent per input; its JVP is the concat of the tangents.
 */
public record Concat(int axis) implements Primitive {
    /** VJP: the slice of the cotangent where each input landed. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        int a = Shape.normalizeAxis(axis, y.rank(), name());
        Tensor[] out = new Tensor[in.length];
        int start = 0;
        for (int k = 0; k < in.length; k++) {
            int n = in[k].dim(a);
            out[k] = g.slice(a, start, start + n);
            start += n;
        }
        return out;
    }

    /** JVP: the concatenation of the tangents (zeros for a null one). */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor[] parts = new Tensor[in.length];
        for (int k = 0; k < in.length; k++) {
            parts[k] = Rules.orZeros(t[k], in[k], y).to(y.dtype());
        }
        return Ops.bind(this, parts);
    }

    @Override
    public String name() {
        return "concat";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        if (in.length == 0) {
            throw new IllegalArgumentException("concat: expected at least one tensor, got none");
        }
        Shape first = in[0].shape();
        int a = Shape.normalizeAxis(axis, first.rank(), name());
        long[] dims = new long[first.rank()];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = first.dim(d);
        }
        DType dtype = in[0].dtype();
        long total = 0;
        for (int k = 0; k < in.length; k++) {
            Shape s = in[k].shape();
            if (s.rank() != first.rank()) {
                throw new IllegalArgumentException("concat: tensor " + k + " has shape " + s + " of rank " + s.rank()
                        + ", but tensor 0 has shape " + first + " of rank " + first.rank());
            }
            for (int d = 0; d < s.rank(); d++) {
                if (d != a && s.dim(d) != first.dim(d)) {
                    throw new IllegalArgumentException("concat: tensor " + k + " has shape " + s
                            + ", which does not match tensor 0's shape " + first + " at dimension " + d
                            + " (only axis " + a + " may differ)");
                }
            }
            total += s.dim(a);
            dtype = DType.promote(dtype, in[k].dtype());
        }
        dims[a] = total; // a long, so that an error reports the size the result would have
        return new TensorType(Shape.ofLong(name(), dims), dtype);
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        int a = Shape.normalizeAxis(axis, out.shape().rank(), name());
        int[] ys = y.strides();
        int start = 0;
        for (Tensor t : in) {
            Tensor x = Elementwise.cast(t, out.dtype());
            // Input k is the slab of the output starting at `start` along the axis.
            StridedCopy.copy(storage(x).array(), x.offset(), x.strides(), x.dims(),
                    storage(y).array(), start * ys[a], ys);
            start += x.dim(a);
        }
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Every operand needs the batch axis; a shared one is broadcast along it (a view).
        return Ops.bind(new Concat(Batching.shifted(axis, Batching.exampleRank(in[0], batched[0]), name())),
                Batching.allBatched(in, batched, size));
    }
}

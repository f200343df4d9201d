package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * The movement primitives. Each returns a view sharing storage when strides allow; only
 * {@link Reshape} of a non-viewable layout and {@link Copy} move data.
 */
public final class ViewPrimitives {
    private ViewPrimitives() {
    }

    /** Primitive: the same elements in row-major order with a new shape of equal size. */
    public record Reshape(Shape shape) implements Primitive {
    /** VJP: the cotangent reshaped back. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {g.reshape(in[0].dims())};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(this, t[0]);
    }

        @Override
        public String name() {
            return "reshape";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            if (in[0].shape().size() != shape.size()) {
                throw new IllegalArgumentException("reshape: cannot reshape " + in[0].shape() + " ("
                        + in[0].shape().size() + " elements) to " + shape + " (" + shape.size() + " elements)");
            }
            return new TensorType(shape, in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0];
            int[] strides = Views.viewStrides(x.dims(), x.strides(), shape.dims());
            if (strides == null) {
                x = Copy.contiguousCopy(x);
                strides = shape.contiguousStrides();
            }
            return TensorInternals.view(storage(x), shape, strides, x.offset());
        }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(new Reshape(Batching.withBatch(size, shape)), in[0]);
    }
    }

    /** Primitive: axes reordered; axis i of the result is axis {@code order[i]} of the input. */
    public record Permute(int[] order) implements Primitive {
    /** VJP: the inverse permutation of the cotangent. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[Shape.normalizeAxis(order[i], order.length, name())] = i;
        }
        return new Tensor[] {g.permute(inverse)};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(this, t[0]);
    }

        @Override
        public String name() {
            return "permute";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            int rank = in[0].shape().rank();
            if (order.length != rank) {
                throw new IllegalArgumentException("permute: order " + Arrays.toString(order)
                        + " has " + order.length + " axes, tensor " + in[0].shape() + " has " + rank);
            }
            boolean[] seen = new boolean[rank];
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                int a = Shape.normalizeAxis(order[i], rank, name());
                if (seen[a]) {
                    throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " repeats axis " + order[i]);
                }
                seen[a] = true;
                dims[i] = in[0].shape().dim(a);
            }
            return new TensorType(Shape.of(dims), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0];
            int[] strides = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                strides[i] = x.stride(order[i]);
            }
            return TensorInternals.view(storage(x), out.shape(), strides, x.offset());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Permute p && Arrays.equals(order, p.order);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(order);
        }

        @Override
        public String toString() {
            return "Permute" + Arrays.toString(order);
        }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(new Permute(Batching.shiftedOrder(order, Batching.exampleRank(in[0], true), name())), in[0]);
    }
    }

    /** Primitive: a broadcast view to a larger shape (NumPy rules); broadcast axes get stride 0. */
    public record Expand(Shape shape) implements Primitive {
    /** VJP: the cotangent itself, of the expanded shape: the engine sums it down (unbroadcasting). */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {g};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(this, t[0]);
    }

        @Override
        public String name() {
            return "expand";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            if (!in[0].shape().broadcastsTo(shape)) {
                throw new IllegalArgumentException("expand: shape " + in[0].shape() + " cannot be broadcast to " + shape);
            }
            return new TensorType(shape, in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return TensorInternals.view(storage(in[0]), shape, Views.broadcastStrides(in[0], shape), in[0].offset());
        }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Ranks aligned from the right as for broadcasting, then the batch expanded with the rest.
        Tensor x = Batching.withRank(in[0], Batching.exampleRank(in[0], true), shape.rank());
        return Ops.bind(new Expand(Batching.withBatch(size, shape)), x);
    }
    }

    /**
     * Primitive: elements {@code start, start+step, ...} below {@code end} along one axis, as a view.
     * Parameters are already normalized: {@code 0 <= start <= end <= dim}, {@code step >= 1}.
     */
    public record Slice(int axis, int start, int end, int step) implements Primitive {
    /**
     * VJP: the cotangent placed back at positions {@code start + i * step} with zeros elsewhere. For
     * {@code step > 1} each element gets {@code step - 1} zeros after it (unsqueeze, pad, merge), then the
     * whole is padded/cropped to the axis length: only pad, reshape and slice, so it is differentiable.
     */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        int a = Shape.normalizeAxis(axis, y.rank(), name());
        int d = in[0].dim(a);
        int m = g.dim(a);
        Tensor r = g;
        if (step > 1 && m > 0) {
            int[] spread = new int[2 * (a + 2)];
            spread[2 * (a + 1) + 1] = step - 1;
            int[] dims = g.dims();
            dims[a] = m * step;
            r = r.unsqueeze(a + 1).pad(spread, 0).reshape(dims);
        }
        int used = step > 1 && m > 0 ? m * step : m;
        int[] padding = new int[2 * (a + 1)];
        padding[2 * a] = start;
        padding[2 * a + 1] = Math.max(0, d - start - used);
        r = r.pad(padding, 0);
        if (r.dim(a) > d) {
            r = r.slice(a, 0, d); // the trailing zeros of the last spread element
        }
        return new Tensor[] {r};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return Ops.bind(this, t[0]);
    }

        @Override
        public String name() {
            return "slice";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            Shape s = in[0].shape();
            int a = Shape.normalizeAxis(axis, s.rank(), name());
            if (step < 1 || start < 0 || end < start || end > s.dim(a)) {
                throw new IllegalArgumentException("slice: range " + start + ":" + end + ":" + step
                        + " is invalid for axis " + axis + " of size " + s.dim(a));
            }
            int[] dims = s.dims();
            dims[a] = (end - start + step - 1) / step;
            return new TensorType(Shape.of(dims), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0];
            int a = Shape.normalizeAxis(axis, x.rank(), name());
            int[] strides = x.strides();
            int offset = x.offset() + (out.shape().dim(a) == 0 ? 0 : start * strides[a]);
            strides[a] *= step;
            return TensorInternals.view(storage(x), out.shape(), strides, offset);
        }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(new Slice(Batching.shifted(axis, Batching.exampleRank(in[0], true), name()), start, end, step),
                in[0]);
    }
    }

    /** Primitive: a contiguous copy with its own storage. */
    public record Copy() implements Primitive {
    /** VJP: the cotangent itself. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {g};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return t[0];
    }

        @Override
        public String name() {
            return "copy";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            return in[0];
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return contiguousCopy(in[0]);
        }

        /** A new contiguous tensor with the elements of {@code x}. */
        static Tensor contiguousCopy(Tensor x) {
            Tensor y = Tensor.empty(x.shape(), x.dtype());
            org.fluxion.kernels.Copy.strided(KernelViews.strided(x), storage(y).array(), 0);
            return y;
        }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Elementwise on one input: the batch axis is just one more axis.
        return Ops.bind(this, in);
    }
    }
}

package org.fluxion.ops;

import java.util.Arrays;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
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
            return Tensor.view(x.storage(), shape, strides, x.offset());
        }
    }

    /** Primitive: axes reordered; axis i of the result is axis {@code order[i]} of the input. */
    public record Permute(int[] order) implements Primitive {
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
            return Tensor.view(x.storage(), out.shape(), strides, x.offset());
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
    }

    /** Primitive: a broadcast view to a larger shape (NumPy rules); broadcast axes get stride 0. */
    public record Expand(Shape shape) implements Primitive {
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
            return Tensor.view(in[0].storage(), shape, Views.broadcastStrides(in[0], shape), in[0].offset());
        }
    }

    /**
     * Primitive: elements {@code start, start+step, ...} below {@code end} along one axis, as a view.
     * Parameters are already normalized: {@code 0 <= start <= end <= dim}, {@code step >= 1}.
     */
    public record Slice(int axis, int start, int end, int step) implements Primitive {
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
            return Tensor.view(x.storage(), out.shape(), strides, offset);
        }
    }

    /** Primitive: a contiguous copy with its own storage. */
    public record Copy() implements Primitive {
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
            org.fluxion.kernels.Copy.strided(x, y.storage().array(), 0);
            return y;
        }
    }
}

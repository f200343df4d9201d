package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.Conv2dGeometry;
import org.fluxion.kernels.Conv2dKernels;
import org.fluxion.kernels.Pool2dGeometry;
import org.fluxion.kernels.Pool2dKernels;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The convolution and pooling primitives over NCHW tensors, and the primitives of their gradients
 * (which are themselves differentiable operations: the input gradient of a convolution is a transposed
 * convolution, and so on). Inputs may be float32 or float64, all of one dtype.
 */
public final class ConvolutionPrimitives {
    private ConvolutionPrimitives() {
    }

    private static void requireRank4(String op, TensorType t, String role) {
        if (t.shape().rank() != 4) {
            throw new IllegalArgumentException(op + ": " + role + " must have rank 4 (NCHW), got shape " + t.shape());
        }
        Arity.requireFloatingPoint(op, t, role);
    }

    private static void requireSameDtype(String op, TensorType a, TensorType b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ: " + a + " and " + b);
        }
    }

    /** The float[] or double[] behind {@code t}: the kernels pick their float32 or float64 body from it. */
    private static Object array(Tensor t) {
        return storage(t).array();
    }

    private static Conv2dGeometry geometry(Shape x, Shape w, Conv2dOptions o) {
        return new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                o.strideH(), o.strideW(), o.padH(), o.padW(), o.dilationH(), o.dilationW(), o.groups());
    }

    private static void checkWeight(String op, Shape x, Shape w, Conv2dOptions o) {
        if (o.groups() < 1 || x.dim(1) % o.groups() != 0 || w.dim(1) * o.groups() != x.dim(1)) {
            throw new IllegalArgumentException(op + ": weight " + w + " does not fit input " + x + " with " + o.groups()
                    + " group(s): expected weight [outChannels, " + (o.groups() < 1 ? "?" : x.dim(1) / o.groups())
                    + ", kernelH, kernelW]");
        }
    }

    private static Shape outputShape(Conv2dGeometry g) {
        return Shape.of("conv2d", g.batch(), g.outChannels(), g.outHeight(), g.outWidth());
    }

    /** Primitive: {@code y[n,o] = sum_c w[o,c] ⋆ x[n,c]} (cross-correlation, as every DL library). */
    public record Conv2d(Conv2dOptions options) implements Primitive {
        /** VJP: {@code (conv2dInputGrad(g, w), conv2dWeightGrad(x, g))}, both differentiable primitives. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return vjp(g, in, y, 0b11);
        }

        /** Skips the input gradient of a first layer, whose input needs none. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
            return new Tensor[] {
                (wanted & 1) == 0 ? null : Ops.bind(new Conv2dInputGrad(options, in[0].shape()), g, in[1]),
                (wanted & 2) == 0 ? null : Ops.bind(new Conv2dWeightGrad(options, in[1].shape()), in[0], g)};
        }

        /** JVP: bilinear, {@code conv(tx, w) + conv(x, tw)}. */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            Tensor a = t[0] == null ? null : Ops.bind(this, t[0], in[1]);
            Tensor b = t[1] == null ? null : Ops.bind(this, in[0], t[1]);
            return a == null ? b : b == null ? a : a.add(b);
        }

        @Override
        public String name() {
            return "conv2d";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 2);
            requireRank4(name(), in[0], "input");
            requireRank4(name(), in[1], "weight");
            requireSameDtype(name(), in[0], in[1]);
            checkWeight(name(), in[0].shape(), in[1].shape(), options);
            return new TensorType(outputShape(geometry(in[0].shape(), in[1].shape(), options)), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0].contiguous();
            Tensor w = in[1].contiguous();
            Conv2dGeometry g = geometry(x.shape(), w.shape(), options);
            Tensor y = Tensor.empty(out.shape(), out.dtype());
            Conv2dKernels.forward(g, array(x), x.offset(), array(w), w.offset(), array(y), 0);
            return y;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            if (batched[1]) {
                // Per-example weights: one call would be a grouped convolution over B * groups (a rule not
                // written yet), so each example runs alone.
                return Batching.byLoop(this, in, batched, size);
            }
            // Shared weights: the vmapped batch joins the image batch N.
            return Batching.mergeImageBatch(this, in, new boolean[] {true, false}, size);
        }
    }

    /** Primitive: the gradient of {@link Conv2d} with respect to its input; inputs (dy, w). */
    public record Conv2dInputGrad(Conv2dOptions options, Shape inputShape) implements Primitive, IntoBuffer {
        /**
         * VJP of the bilinear {@code dx = B(dy, w)}, the adjoint of conv in x: {@code <g, B(dy, w)> = <conv(g, w), dy>},
         * so dy gets {@code conv(g, w)} and w gets {@code conv2dWeightGrad(g, dy)}.
         */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {Ops.bind(new Conv2d(options), g, in[1]),
                    Ops.bind(new Conv2dWeightGrad(options, in[1].shape()), g, in[0])};
        }

        /** JVP: bilinear in (dy, w). */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            Tensor a = t[0] == null ? null : Ops.bind(this, t[0], in[1]);
            Tensor b = t[1] == null ? null : Ops.bind(this, in[0], t[1]);
            return a == null ? b : b == null ? a : a.add(b);
        }

        @Override
        public String name() {
            return "conv2dInputGrad";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 2);
            requireRank4(name(), in[0], "output gradient");
            requireRank4(name(), in[1], "weight");
            requireSameDtype(name(), in[0], in[1]);
            checkWeight(name(), inputShape, in[1].shape(), options);
            Shape expected = outputShape(geometry(inputShape, in[1].shape(), options));
            if (!expected.equals(in[0].shape())) {
                throw new IllegalArgumentException(name() + ": output gradient has shape " + in[0].shape()
                        + ", expected " + expected + " for input " + inputShape);
            }
            return new TensorType(inputShape, in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return computeInto(Storage.allocate(out.dtype(), out.shape().size()), in);
        }

        /** Overwrites {@code buffer} with dx (the plan's recycled buffers). */
        @Override
        public Tensor computeInto(Storage buffer, Tensor[] in) {
            Tensor dy = in[0].contiguous();
            Tensor w = in[1].contiguous();
            Conv2dGeometry g = geometry(inputShape, w.shape(), options);
            Tensor dx = Tensor.wrap(buffer, inputShape);
            Conv2dKernels.inputGrad(g, array(dy), dy.offset(), array(w), w.offset(), array(dx), 0);
            return dx;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            if (batched[1]) {
                // Per-example weights: as for conv2d, one call would need a grouped transposed convolution.
                return Batching.byLoop(this, in, batched, size);
            }
            // Shared weights (so the output gradient is the batched input): the batch joins the image batch N.
            return Batching.mergeImageBatch(new Conv2dInputGrad(options, Batching.mergedShape(inputShape, size)), in,
                    new boolean[] {true, false}, size);
        }
    }

    /** Primitive: the gradient of {@link Conv2d} with respect to its weight; inputs (x, dy). */
    public record Conv2dWeightGrad(Conv2dOptions options, Shape weightShape) implements Primitive, IntoBuffer {
        /**
         * VJP of the bilinear {@code dw = W(x, dy)} with {@code <g, W(x, dy)> = <dy, conv(x, g)>}: x gets
         * {@code conv2dInputGrad(dy, g)} and dy gets {@code conv(x, g)}.
         */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {Ops.bind(new Conv2dInputGrad(options, in[0].shape()), in[1], g),
                    Ops.bind(new Conv2d(options), in[0], g)};
        }

        /** JVP: bilinear in (x, dy). */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            Tensor a = t[0] == null ? null : Ops.bind(this, t[0], in[1]);
            Tensor b = t[1] == null ? null : Ops.bind(this, in[0], t[1]);
            return a == null ? b : b == null ? a : a.add(b);
        }

        @Override
        public String name() {
            return "conv2dWeightGrad";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 2);
            requireRank4(name(), in[0], "input");
            requireRank4(name(), in[1], "output gradient");
            requireSameDtype(name(), in[0], in[1]);
            checkWeight(name(), in[0].shape(), weightShape, options);
            Shape expected = outputShape(geometry(in[0].shape(), weightShape, options));
            if (!expected.equals(in[1].shape())) {
                throw new IllegalArgumentException(name() + ": output gradient has shape " + in[1].shape()
                        + ", expected " + expected);
            }
            return new TensorType(weightShape, in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return computeInto(Storage.allocate(out.dtype(), out.shape().size()), in);
        }

        /** Overwrites {@code buffer} with dw (the plan's recycled buffers). */
        @Override
        public Tensor computeInto(Storage buffer, Tensor[] in) {
            Tensor x = in[0].contiguous();
            Tensor dy = in[1].contiguous();
            Conv2dGeometry g = geometry(x.shape(), weightShape, options);
            Tensor dw = Tensor.wrap(buffer, weightShape);
            Conv2dKernels.weightGrad(g, array(x), x.offset(), array(dy), dy.offset(), array(dw), 0);
            return dw;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            // The weight gradient sums over the image batch N, so merging the vmapped batch into N would mix
            // examples; one call would be a grouped convolution over B (not written yet), so each example
            // runs alone (this is the per-example gradient of a convolution's weights).
            return Batching.byLoop(this, in, batched, size);
        }
    }

    private static Pool2dGeometry validatedPool(String op, TensorType x, Pool2dOptions o) {
        requireRank4(op, x, "input");
        Shape s = x.shape();
        return op.startsWith("max")
                ? Pool2dGeometry.maxPool2d(s.dim(0), s.dim(1), s.dim(2), s.dim(3), o.kernelH(), o.kernelW(),
                        o.strideH(), o.strideW(), o.padH(), o.padW(), o.ceilMode())
                : Pool2dGeometry.avgPool2d(s.dim(0), s.dim(1), s.dim(2), s.dim(3), o.kernelH(), o.kernelW(),
                        o.strideH(), o.strideW(), o.padH(), o.padW(), o.ceilMode());
    }

    private static Shape pooledShape(Pool2dGeometry g) {
        return Shape.of("pool2d", g.batch(), g.channels(), g.outHeight(), g.outWidth());
    }

    /** Primitive: the maximum of each window; padding counts as -infinity, NaN propagates. */
    public record MaxPool2d(Pool2dOptions options) implements Primitive, IntoBuffer {
        /** VJP: {@code maxPool2dGrad(x, g)}, g routed to each window's maximum. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {Ops.bind(new MaxPool2dGrad(options), in[0], g)};
        }

        /** JVP: the tangent at each window's maximum, {@code maxPool2dSelect(x, t)}. */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return Ops.bind(new MaxPool2dSelect(options), in[0], t[0]);
        }

        @Override
        public String name() {
            return "maxPool2d";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            return new TensorType(pooledShape(validatedPool(name(), in[0], options)), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return computeInto(Storage.allocate(out.dtype(), out.shape().size()), in);
        }

        /** Overwrites {@code buffer} with the maxima (the plan's recycled buffers). */
        @Override
        public Tensor computeInto(Storage buffer, Tensor[] in) {
            Tensor x = in[0].contiguous();
            Pool2dGeometry g = options.geometry(x.shape());
            Tensor y = Tensor.wrap(buffer, pooledShape(g));
            Pool2dKernels.maxValues(g, array(x), x.offset(), array(y), 0); // the VJP recomputes the routing
            return y;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.mergeImageBatch(this, in, new boolean[] {true}, size);
        }
    }

    /**
     * Primitive: the gradient of {@link MaxPool2d}; inputs (x, dy). Each window's gradient goes to the
     * position of its maximum (the first one on ties), recomputed from x.
     */
    public record MaxPool2dGrad(Pool2dOptions options) implements Primitive, IntoBuffer {
        /**
         * VJP: none for x (the routing is piecewise constant in x); for dy, the values of g at each
         * window's maximum, {@code maxPool2dSelect(x, g)}.
         */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {null, Ops.bind(new MaxPool2dSelect(options), in[0], g)};
        }

        /** JVP: linear in dy for a fixed routing: {@code maxPool2dGrad(x, t_dy)}. */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return t[1] == null ? null : Ops.bind(this, in[0], t[1]);
        }

        @Override
        public String name() {
            return "maxPool2dGrad";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 2);
            Shape expected = pooledShape(validatedPool("maxPool2d", in[0], options));
            requireSameDtype(name(), in[0], in[1]);
            if (!expected.equals(in[1].shape())) {
                throw new IllegalArgumentException(name() + ": output gradient has shape " + in[1].shape()
                        + ", expected " + expected);
            }
            return in[0];
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            return computeInto(Storage.allocate(out.dtype(), out.shape().size()), in);
        }

        /** Overwrites {@code buffer} with dx (the plan's recycled buffers). */
        @Override
        public Tensor computeInto(Storage buffer, Tensor[] in) {
            Tensor x = in[0].contiguous();
            Tensor dy = in[1].contiguous();
            Tensor dx = Tensor.wrap(buffer, x.shape());
            Pool2dKernels.maxBackwardFromInput(options.geometry(x.shape()), array(x), x.offset(), array(dy),
                    dy.offset(), array(dx), 0);
            return dx;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.mergeImageBatch(this, Batching.allBatched(in, batched, size), new boolean[] {true, true}, size);
        }
    }

    /**
     * Primitive: for each window, the value of {@code t} at the position where {@code x} has its
     * maximum; inputs (x, t) of one shape, output pooled. It is max pooling's JVP and the transpose of
     * {@link MaxPool2dGrad}: linear in t, piecewise constant in x.
     */
    public record MaxPool2dSelect(Pool2dOptions options) implements Primitive {
        /** VJP: none for x; for t, g routed back to each window's maximum. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {null, Ops.bind(new MaxPool2dGrad(options), in[0], g)};
        }

        /** JVP: linear in t for a fixed routing. */
        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return t[1] == null ? null : Ops.bind(this, in[0], t[1]);
        }

        @Override
        public String name() {
            return "maxPool2dSelect";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 2);
            requireSameDtype(name(), in[0], in[1]);
            if (!in[0].shape().equals(in[1].shape())) {
                throw new IllegalArgumentException(name() + ": values have shape " + in[1].shape()
                        + ", expected the input's " + in[0].shape());
            }
            return new TensorType(pooledShape(validatedPool("maxPool2d", in[0], options)), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0].contiguous();
            Tensor t = in[1].contiguous();
            Pool2dGeometry g = options.geometry(x.shape());
            int[] argmax = Pool2dKernels.maxArgmax(g, array(x), x.offset());
            Tensor y = Tensor.empty(out.shape(), out.dtype());
            Pool2dKernels.maxSelect(g, array(t), t.offset(), argmax, 0, array(y), 0);
            return y;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.mergeImageBatch(this, Batching.allBatched(in, batched, size), new boolean[] {true, true}, size);
        }
    }

    /** Primitive: the mean of each window. */
    public record AvgPool2d(Pool2dOptions options) implements Primitive {
        /** VJP: linear, {@code avgPool2dGrad(g)}. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {Ops.bind(new AvgPool2dGrad(options, in[0].shape()), g)};
        }

        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return Ops.bind(this, t[0]);
        }

        @Override
        public String name() {
            return "avgPool2d";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            return new TensorType(pooledShape(validatedPool(name(), in[0], options)), in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = in[0].contiguous();
            Pool2dGeometry g = options.geometry(x.shape());
            Tensor y = Tensor.empty(out.shape(), out.dtype());
            Pool2dKernels.avgForward(g, array(x), x.offset(), array(y), 0, options.countIncludePad());
            return y;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.mergeImageBatch(this, in, new boolean[] {true}, size);
        }
    }

    /** Primitive: the gradient of {@link AvgPool2d}, a linear map of dy alone; input (dy). */
    public record AvgPool2dGrad(Pool2dOptions options, Shape inputShape) implements Primitive {
        /** VJP: the adjoint of the adjoint, {@code avgPool2d(g)}. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {Ops.bind(new AvgPool2d(options), g)};
        }

        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return Ops.bind(this, t[0]);
        }

        @Override
        public String name() {
            return "avgPool2dGrad";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            Arity.check(name(), in, 1);
            Shape expected = pooledShape(validatedPool("avgPool2d", new TensorType(inputShape, in[0].dtype()), options));
            if (!expected.equals(in[0].shape())) {
                throw new IllegalArgumentException(name() + ": output gradient has shape " + in[0].shape()
                        + ", expected " + expected + " for input " + inputShape);
            }
            return new TensorType(inputShape, in[0].dtype());
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor dy = in[0].contiguous();
            Pool2dGeometry g = options.geometry(inputShape);
            Tensor dx = Tensor.empty(out.shape(), out.dtype());
            Pool2dKernels.avgBackward(g, array(dy), dy.offset(), array(dx), 0, options.countIncludePad());
            return dx;
        }

        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.mergeImageBatch(new AvgPool2dGrad(options, Batching.mergedShape(inputShape, size)), in,
                    new boolean[] {true}, size);
        }
    }
}

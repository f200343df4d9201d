package org.fluxion.nn.normalization;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.autodiff.GradMode;
import org.fluxion.nn.fused.CompositeRules;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: layer normalization over the trailing {@code axes} axes as one kernel ({@link LayerNormKernels}),
 * {@code y = (x - mean) / sqrt(var + eps) w + b}. Inputs {@code x [..., *S]} and, when {@code affine},
 * {@code w [*S]}, {@code b [*S]}, all of one float dtype; output like x. The composite of primitives
 * ({@link LayerNormReference#forward}) made a dozen passes over x forward and about twice as many backward
 * (issue 16: two of these per transformer layer); the kernel makes one forward and one backward, row by row.
 * The kernel rounds differently from the composite (its sums are taken in double, in another order).
 *
 * <p>Rules. VJP: the fused {@link LayerNormBackward}, which reads x and w (not y); when the gradient is itself
 * being differentiated (grad mode on inside backward), the composite {@link LayerNormReference#backward}
 * instead, whose operations are recorded. JVP: the composite's. Batching: a vmap axis of x alone is one more
 * leading axis; per-example w or b go by loop.
 */
public record LayerNormPrimitive(int axes, double eps, boolean affine) implements CustomPrimitive {
    @Override
    public String name() {
        return "layer_norm";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        check(name(), axes, affine, in, in.length);
        return in[0];
    }

    /**
     * Checks {@code x} and, when affine, {@code w}, {@code b} (the first {@code count} of {@code in}).
     *
     * @throws IllegalArgumentException naming the primitive, what was expected and the types given
     */
    static void check(String name, int axes, boolean affine, TensorType[] in, int count) {
        if (in.length != count) {
            throw new IllegalArgumentException(name + ": expected " + count + " inputs, got " + in.length);
        }
        TensorType x = in[0];
        if (!x.dtype().isFloatingPoint() || x.dtype().isStorageOnly() || x.shape().rank() < axes) {
            throw new IllegalArgumentException(name + ": x must be float32 or float64 with at least " + axes
                    + " axes, got " + x);
        }
        if (affine) {
            int[] dims = x.shape().dims();
            int[] s = Arrays.copyOfRange(dims, dims.length - axes, dims.length);
            for (int i = 1; i <= 2; i++) {
                if (in[i].dtype() != x.dtype() || !Arrays.equals(in[i].shape().dims(), s)) {
                    throw new IllegalArgumentException(name + ": weight and bias must be " + x.dtype() + " "
                            + Arrays.toString(s) + " for x " + x + ", got " + in[1] + " and " + in[2]);
                }
            }
        }
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0].contiguous();
        int n = rowSize(x, axes);
        int rows = n == 0 ? 0 : x.size() / n;
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        if (x.dtype() == DType.FLOAT32) {
            Tensor w = affine ? in[1].contiguous() : Tensor.ones(DType.FLOAT32, n);
            Tensor b = affine ? in[2].contiguous() : Tensor.zeros(DType.FLOAT32, n);
            LayerNormKernels.forward(storage(x).floats(), x.offset(), storage(w).floats(), w.offset(),
                    storage(b).floats(), b.offset(), storage(y).floats(), rows, n, eps);
        } else {
            Tensor w = affine ? in[1].contiguous() : Tensor.ones(DType.FLOAT64, n);
            Tensor b = affine ? in[2].contiguous() : Tensor.zeros(DType.FLOAT64, n);
            LayerNormKernels.forward(storage(x).doubles(), x.offset(), storage(w).doubles(), w.offset(),
                    storage(b).doubles(), b.offset(), storage(y).doubles(), rows, n, eps);
        }
        return y;
    }

    /** The size of the normalized trailing axes: the length of a row. */
    static int rowSize(Tensor x, int axes) {
        int n = 1;
        for (int i = x.rank() - axes; i < x.rank(); i++) {
            n *= x.dim(i);
        }
        return n;
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        Tensor w = affine ? in[1] : null;
        Tensor[] grads;
        if (GradMode.isEnabled()) {
            grads = LayerNormReference.backward(in[0], w, g, axes, eps);
        } else {
            LayerNormBackward backward = new LayerNormBackward(axes, eps, affine);
            grads = Ops.bindAll(backward, affine ? new Tensor[] {in[0], w, g} : new Tensor[] {in[0], g});
        }
        for (int i = 0; i < grads.length; i++) {
            if ((wanted & (1 << i)) == 0) {
                grads[i] = null;
            }
        }
        return grads;
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return vjp(g, in, y, affine ? 0b111 : 0b1);
    }

    /** x and w (bits 0 and 1); neither b nor y. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return affine ? 0b011 : 0b1;
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor[] ins = affine ? in : new Tensor[] {in[0]};
        return CompositeRules.jvp(x -> new Tensor[] {LayerNormReference.forward(x[0], affine ? x[1] : null,
                affine ? x[2] : null, axes, eps)}, ins, t)[0];
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        if (!affine || (!batched[1] && !batched[2])) {
            return Ops.bind(this, in); // the vmap axis is one more leading axis of x
        }
        return Batching.byLoop(this, in, batched, size); // a weight per example: the kernel has one for all rows
    }
}

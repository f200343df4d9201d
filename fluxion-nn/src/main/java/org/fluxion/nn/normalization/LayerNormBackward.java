package org.fluxion.nn.normalization;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.nn.fused.CompositeRules;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the VJP of {@link LayerNormPrimitive} as one kernel ({@link LayerNormKernels#backward}). Inputs
 * {@code x}, {@code w} (when {@code affine}) and the cotangent {@code g} of y; outputs {@code dx} like x and,
 * when affine, {@code dw}, {@code db} like w.
 *
 * <p>Its own derivatives (second order of layer normalization) are those of the composite
 * {@link LayerNormReference#backward}, taken in forward mode ({@link CompositeRules#vjpOfGradient}); the bias,
 * which the backward does not read, enters that rule as zeros (y is linear in it). Batching by loop: the
 * weight and bias cotangents sum over the rows, which must stay apart per example.
 */
public record LayerNormBackward(int axes, double eps, boolean affine) implements CustomMultiOutput {
    @Override
    public String name() {
        return "layer_norm_backward";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        int count = affine ? 3 : 2;
        TensorType x = in[0];
        TensorType g = in.length == count ? in[count - 1] : null;
        if (g == null || !g.equals(x)) {
            throw new IllegalArgumentException(name() + ": expected " + count + " inputs with g like x, got "
                    + java.util.Arrays.toString(in));
        }
        if (affine) {
            LayerNormPrimitive.check(name(), axes, true, new TensorType[] {x, in[1], in[1]}, 3);
            return new TensorType[] {x, in[1], in[1]};
        }
        LayerNormPrimitive.check(name(), axes, false, new TensorType[] {x}, 1);
        return new TensorType[] {x};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        Tensor x = in[0].contiguous();
        Tensor g = in[affine ? 2 : 1].contiguous();
        int n = LayerNormPrimitive.rowSize(x, axes);
        int rows = n == 0 ? 0 : x.size() / n;
        DType dtype = x.dtype();
        Tensor w = affine ? in[1].contiguous() : Tensor.ones(dtype, n);
        Tensor dx = Tensor.empty(out[0].shape(), dtype);
        Tensor dw = Tensor.empty(w.shape(), dtype);
        Tensor db = Tensor.empty(w.shape(), dtype);
        if (dtype == DType.FLOAT32) {
            LayerNormKernels.backward(storage(x).floats(), x.offset(), storage(w).floats(), w.offset(),
                    storage(g).floats(), g.offset(), storage(dx).floats(), storage(dw).floats(), storage(db).floats(),
                    rows, n, eps);
        } else {
            LayerNormKernels.backward(storage(x).doubles(), x.offset(), storage(w).doubles(), w.offset(),
                    storage(g).doubles(), g.offset(), storage(dx).doubles(), storage(dw).doubles(),
                    storage(db).doubles(), rows, n, eps);
        }
        return affine ? new Tensor[] {dx, dw, db} : new Tensor[] {dx};
    }

    @Override
    public Tensor[] vjpAll(Tensor[] cts, Tensor[] in, Tensor[] out, int wanted) {
        if (!affine) {
            return CompositeRules.vjpOfGradient(
                    x -> LayerNormReference.backward(x[0], null, x[1], axes, eps),
                    x -> new Tensor[] {LayerNormReference.forward(x[0], null, null, axes, eps)},
                    new Tensor[] {in[0]}, new Tensor[] {in[1]}, cts);
        }
        Tensor zeroBias = Tensor.zeros(in[1].dtype(), in[1].dims());
        Tensor[] grads = CompositeRules.vjpOfGradient(
                x -> LayerNormReference.backward(x[0], x[1], x[3], axes, eps),
                x -> new Tensor[] {LayerNormReference.forward(x[0], x[1], x[2], axes, eps)},
                new Tensor[] {in[0], in[1], zeroBias}, new Tensor[] {in[2]}, cts);
        return new Tensor[] {grads[0], grads[1], grads[3]}; // the bias is no input here
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] out) {
        if (!affine) {
            return CompositeRules.jvp(x -> LayerNormReference.backward(x[0], null, x[1], axes, eps), in, tangents);
        }
        return CompositeRules.jvp(x -> LayerNormReference.backward(x[0], x[1], x[2], axes, eps), in, tangents);
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Batching.byLoopAll(this, in, batched, size);
    }
}

package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedLoop;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.kernels.Vectorization;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: conversion to another dtype. Floating-point to integer truncates toward zero (NaN gives 0,
 * out-of-range values saturate, as Java's casts; int8 and uint8 keep the low byte of the int64 value, so
 * they wrap); any type to bool tests for non-zero; to float16 or bfloat16 rounds to nearest even from the
 * exact source value ({@link org.fluxion.tensor.HalfPrecision}).
 */
public record Cast(DType target) implements Primitive {
    /** VJP: the cotangent cast back to the input's dtype (the engine does the cast). */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {in[0].dtype().isFloatingPoint() ? g : null};
    }

    /** JVP: the tangent cast to the target (zero when the target is not floating-point). */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return target.isFloatingPoint() ? t[0].to(target) : null;
    }

    @Override
    public String name() {
        return "cast";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        return new TensorType(in[0].shape(), target);
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        Tensor y = Tensor.empty(out.shape(), target);
        StridedLoop loop = StridedLoop.of(x.dims(), new int[] {x.offset(), 0}, x.strides(), y.strides());
        int xs = loop.innerStride(0);
        Storage src = storage(x);
        Storage dst = storage(y);
        DType from = x.dtype();
        loop.forEach(Unary.GRAIN, (o, n) -> {
            int xo = o[0];
            int yo = o[1];
            if (from == DType.BOOL && target == DType.FLOAT32) {
                // Masks made by comparisons (relu's derivative, accuracy counts) are cast every step.
                boolean[] a = src.bools();
                float[] b = dst.floats();
                int i = xs == 1 && Vectorization.ENABLED ? VectorLoops.toFloat(a, xo, b, yo, n) : 0;
                for (; i < n; i++) b[yo + i] = a[xo + i * xs] ? 1f : 0f;
            } else if (from == DType.BOOL && target == DType.FLOAT64) {
                boolean[] a = src.bools();
                double[] b = dst.doubles();
                for (int i = 0; i < n; i++) b[yo + i] = a[xo + i * xs] ? 1 : 0;
            } else if (from == DType.FLOAT32 && target == DType.FLOAT64) {
                float[] a = src.floats();
                double[] b = dst.doubles();
                for (int i = 0; i < n; i++) b[yo + i] = a[xo + i * xs];
            } else if (from == DType.FLOAT64 && target == DType.FLOAT32) {
                double[] a = src.doubles();
                float[] b = dst.floats();
                for (int i = 0; i < n; i++) b[yo + i] = (float) a[xo + i * xs];
            } else if (HalfCasts.cast(from, target, src.array(), xo, xs, dst.array(), yo, n)) {
                return;
            } else if (from.isFloatingPoint()) {
                for (int i = 0; i < n; i++) dst.setDouble(yo + i, src.getDouble(xo + i * xs));
            } else {
                // Integers convert from their exact long value: through a double, an int64 above 2^53 would be
                // rounded twice.
                for (int i = 0; i < n; i++) dst.setLong(yo + i, src.getLong(xo + i * xs));
            }
        });
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Elementwise on one input: the batch axis is just one more axis.
        return Ops.bind(this, in);
    }
}

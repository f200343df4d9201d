package org.fluxion.ops;

import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: counter-based random numbers, uniform in {@code [0, 1)}, as a pure function of an int64 key
 * tensor (JAX's {@code PRNGKey} and {@code random_bits}). For a key of shape {@code K} the output has shape
 * {@code K ++ shape}: each key element draws its own block of {@code shape.size()} numbers, element {@code i}
 * of the block being
 * <pre>
 *   u = top bits of mix(mix(key * 0x9E3779B97F4A7C15 + stream) + (i + 1) * 0xD1B54A32D192ED03)
 * </pre>
 * with {@code mix} SplitMix64's finalizer (Steele, Lea and Flood), 24 bits for float32 and 53 for float64,
 * so the values are exactly representable and below 1. {@code stream} is a static number folded into the
 * key (the path of a layer in a model, so that two dropout layers given one key draw different masks).
 *
 * <p>Being a function of its input, it runs the same eagerly, traced under {@code jit} (a compiled training
 * step draws new numbers when it is given a new key, with no retrace) and under {@code vmap} (a batch of keys
 * draws a batch of blocks, which is exactly the rule for a key of higher rank). The output does not depend
 * differentiably on the integer key: VJP and JVP are zero.
 */
public record RandomUniform(long stream, Shape shape, DType dtype) implements Primitive {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long COUNTER = 0xD1B54A32D192ED03L;

    public RandomUniform {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("random_uniform: dtype must be floating point, got " + dtype);
        }
    }

    /** VJP: none; the key is an integer. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return new Tensor[] {null};
    }

    /** JVP: zero; the key is an integer. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return null;
    }

    @Override
    public int vjpReads(int wanted, int arity) {
        return 0;
    }

    @Override
    public String name() {
        return "random_uniform";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        if (in[0].dtype() != DType.INT64) {
            throw new IllegalArgumentException(name() + ": the key must be int64, got " + in[0].dtype() + " "
                    + in[0].shape());
        }
        int[] k = in[0].shape().dims();
        int[] s = shape.dims();
        int[] dims = new int[k.length + s.length];
        System.arraycopy(k, 0, dims, 0, k.length);
        System.arraycopy(s, 0, dims, k.length, s.length);
        return new TensorType(Shape.of(name(), dims), dtype);
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor key = in[0].contiguous();
        long[] keys = new long[key.size()];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = mix(TensorInternals.storage(key).getLong(key.offset() + k) * GOLDEN + stream);
        }
        int block = shape.size();
        Tensor y = Tensor.empty(out.shape(), dtype);
        if (dtype == DType.FLOAT32) {
            float[] a = TensorInternals.storage(y).floats();
            Parallel.forRange(a.length, 1 << 14, (s, e) -> {
                for (int j = s; j < e; j++) {
                    a[j] = (mix(keys[j / block] + (j % block + 1L) * COUNTER) >>> 40) * 0x1.0p-24f;
                }
            });
        } else {
            double[] a = TensorInternals.storage(y).doubles();
            Parallel.forRange(a.length, 1 << 14, (s, e) -> {
                for (int j = s; j < e; j++) {
                    a[j] = (mix(keys[j / block] + (j % block + 1L) * COUNTER) >>> 11) * 0x1.0p-53;
                }
            });
        }
        return y;
    }

    /** SplitMix64's finalizer: a bijection of 64-bit words whose every output bit depends on every input bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A batch of keys {@code [B, K...]} draws {@code [B, K..., shape...]}: the rule of any key shape. */
    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Ops.bind(this, in[0]);
    }

    @Override
    public String toString() {
        return "RandomUniform[stream=" + stream + ", shape=" + shape + ", " + dtype + "]";
    }
}

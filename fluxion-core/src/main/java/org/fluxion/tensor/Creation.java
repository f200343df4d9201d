package org.fluxion.tensor;

import static org.fluxion.tensor.TensorInternals.storage;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.fluxion.kernels.Copy;
import org.fluxion.kernels.Strided;

/** Kernels behind {@link Tensor}'s factory methods and conversions to Java arrays. */
final class Creation {
    /** The algorithm behind seeded generators: fast, splittable, and stable across JDK versions. */
    private static final RandomGeneratorFactory<RandomGenerator> SEEDED = RandomGeneratorFactory.of("L64X128MixRandom");

    private Creation() {
    }

    static RandomGenerator generator(long seed) {
        return SEEDED.create(seed);
    }

    static Tensor empty(Shape shape, DType dtype) {
        return new Tensor(Storage.allocate(dtype, shape.size()), shape, shape.sharedContiguousStrides(), 0);
    }

    /** {@link #empty(Shape, DType)} that keeps {@code type} as the tensor's {@link Tensor#type()}. */
    static Tensor empty(TensorType type) {
        Tensor t = empty(type.shape(), type.dtype());
        t.type = type;
        return t;
    }

    /** @throws IllegalArgumentException when the storage's length is not the shape's size */
    static Tensor wrap(Storage storage, Shape shape) {
        if (storage.length() != shape.size()) {
            throw new IllegalArgumentException("wrap: storage of " + storage.length()
                    + " elements does not match shape " + shape + " (" + shape.size() + " elements)");
        }
        return new Tensor(storage, shape, shape.sharedContiguousStrides(), 0);
    }

    static Tensor full(double value, DType dtype, Shape shape) {
        Tensor t = Tensor.empty(shape, dtype);
        Object a = storage(t).array();
        switch (dtype) {
            case FLOAT32 -> Arrays.fill((float[]) a, (float) value);
            case FLOAT64 -> Arrays.fill((double[]) a, value);
            case INT32 -> Arrays.fill((int[]) a, (int) value);
            case INT64 -> Arrays.fill((long[]) a, (long) value);
            case BOOL -> Arrays.fill((boolean[]) a, value != 0);
            case FLOAT16 -> Arrays.fill((short[]) a, HalfPrecision.doubleToFloat16(value));
            case BFLOAT16 -> Arrays.fill((short[]) a, HalfPrecision.doubleToBFloat16(value));
            case INT8, UINT8 -> Arrays.fill((byte[]) a, (byte) (long) value);
        }
        return t;
    }

    static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: start " + start + ", end " + end + " and step " + step
                    + " must be finite and step non-zero");
        }
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("arange: " + count + " elements is too many for one tensor");
        }
        int n = (int) Math.max(0, count);
        Tensor t = Tensor.empty(Shape.of(n), dtype);
        Storage s = storage(t);
        for (int i = 0; i < n; i++) {
            s.setDouble(i, start + i * step);
        }
        return t;
    }

    static Tensor linspace(double start, double end, int steps, DType dtype) {
        if (steps < 0) {
            throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        }
        requireFloating("linspace", dtype);
        Tensor t = Tensor.empty(Shape.of(steps), dtype);
        double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
        for (int i = 0; i < steps; i++) {
            // The last point is `end` exactly, not start + (steps-1) * delta with rounding error.
            storage(t).setDouble(i, i == steps - 1 && steps > 1 ? end : start + i * delta);
        }
        return t;
    }

    static Tensor eye(int n, int m, DType dtype) {
        Tensor t = Tensor.empty(Shape.of(n, m), dtype);
        for (int i = 0; i < Math.min(n, m); i++) {
            storage(t).setDouble(i * m + i, 1);
        }
        return t;
    }

    static Tensor rand(RandomGenerator rng, DType dtype, Shape shape) {
        requireFloating("rand", dtype);
        Tensor t = Tensor.empty(shape, dtype);
        Storage s = storage(t);
        for (int i = 0; i < shape.size(); i++) {
            s.setDouble(i, dtype == DType.FLOAT32 ? rng.nextFloat() : rng.nextDouble());
            while (s.getDouble(i) == 1) { // a 16-bit type rounded up past the interval: draw again
                s.setDouble(i, rng.nextDouble());
            }
        }
        return t;
    }

    static Tensor randn(RandomGenerator rng, DType dtype, Shape shape) {
        requireFloating("randn", dtype);
        Tensor t = Tensor.empty(shape, dtype);
        Storage s = storage(t);
        for (int i = 0; i < shape.size(); i++) {
            s.setDouble(i, rng.nextGaussian());
        }
        return t;
    }

    static Tensor randint(RandomGenerator rng, long low, long high, Shape shape) {
        if (low >= high) {
            throw new IllegalArgumentException("randint: low " + low + " must be below high " + high);
        }
        Tensor t = Tensor.empty(shape, DType.INT64);
        long[] a = storage(t).longs();
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextLong(low, high);
        }
        return t;
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": dtype must be floating-point, got " + dtype.label());
        }
    }

    /**
     * A tensor holding a copy of {@code data}, a flat {@code float[]}, {@code double[]}, {@code int[]},
     * {@code long[]} or {@code boolean[]} in row-major order, of the dtype of its element type.
     */
    static Tensor copyOf(Object data, int[] dims) {
        return switch (data) {
            case float[] a -> fromFlat(DType.FLOAT32, a.clone(), a.length, dims);
            case double[] a -> fromFlat(DType.FLOAT64, a.clone(), a.length, dims);
            case int[] a -> fromFlat(DType.INT32, a.clone(), a.length, dims);
            case long[] a -> fromFlat(DType.INT64, a.clone(), a.length, dims);
            case boolean[] a -> fromFlat(DType.BOOL, a.clone(), a.length, dims);
            default -> throw new IllegalArgumentException("of: " + data.getClass().getSimpleName()
                    + " is not a float[], double[], int[], long[] or boolean[]");
        };
    }

    static Tensor fromFlat(DType dtype, Object data, int length, int[] dims) {
        Shape shape = Shape.of(dims);
        if (shape.size() != length) {
            throw new IllegalArgumentException("of: " + length + " values do not fill shape " + shape
                    + " (" + shape.size() + " elements)");
        }
        return Tensor.wrap(Storage.wrap(dtype, data), shape);
    }

    static Tensor fromNested(Object nested) {
        if (nested == null || !nested.getClass().isArray()) {
            throw new IllegalArgumentException("fromNested: expected a Java array, got "
                    + (nested == null ? "null" : nested.getClass().getSimpleName()));
        }
        List<Integer> dims = new ArrayList<>();
        Class<?> c = nested.getClass();
        Object probe = nested;
        while (c.isArray()) {
            int len = Array.getLength(probe);
            dims.add(len);
            c = c.getComponentType();
            if (c.isArray()) {
                if (len == 0) {
                    throw new IllegalArgumentException("fromNested: cannot infer the shape below an empty dimension");
                }
                probe = Array.get(probe, 0);
            }
        }
        DType dtype;
        if (c == float.class) {
            dtype = DType.FLOAT32;
        } else if (c == double.class) {
            dtype = DType.FLOAT64;
        } else if (c == int.class) {
            dtype = DType.INT32;
        } else if (c == long.class) {
            dtype = DType.INT64;
        } else if (c == boolean.class) {
            dtype = DType.BOOL;
        } else {
            throw new IllegalArgumentException("fromNested: unsupported element type " + c.getSimpleName()
                    + " (use float, double, int, long or boolean arrays)");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        Tensor t = Tensor.empty(Shape.of(shape), dtype);
        int[] pos = {0};
        fill(nested, 0, shape, storage(t).array(), pos);
        return t;
    }

    private static void fill(Object array, int depth, int[] shape, Object dst, int[] pos) {
        int len = Array.getLength(array);
        if (len != shape[depth]) {
            throw new IllegalArgumentException("fromNested: ragged array: a row at depth " + depth + " has length "
                    + len + ", expected " + shape[depth]);
        }
        if (depth == shape.length - 1) {
            System.arraycopy(array, 0, dst, pos[0], len);
            pos[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            fill(Array.get(array, i), depth + 1, shape, dst, pos);
        }
    }

    /** Elements in row-major order as a new array of {@code dtype}'s Java type. */
    static Object toFlat(Tensor t, DType dtype) {
        ElementAccess.concrete(t, "toArray");
        Tensor c = t.to(dtype);
        Object out = Storage.allocate(dtype, t.size()).array();
        Copy.strided(new Strided(storage(c).array(), c.offset(), c.dims(), c.strides()), out, 0);
        return out;
    }

    static Object toNested(Tensor t) {
        Object flat = toFlat(t, t.dtype());
        if (t.rank() == 0) {
            return Array.get(flat, 0);
        }
        Class<?> element = flat.getClass().getComponentType();
        Object out = Array.newInstance(element, t.dims());
        int[] pos = {0};
        unflatten(out, 0, t.rank(), flat, pos);
        return out;
    }

    private static void unflatten(Object array, int depth, int rank, Object flat, int[] pos) {
        int len = Array.getLength(array);
        if (depth == rank - 1) {
            System.arraycopy(flat, pos[0], array, 0, len);
            pos[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            unflatten(Array.get(array, i), depth + 1, rank, flat, pos);
        }
    }
}

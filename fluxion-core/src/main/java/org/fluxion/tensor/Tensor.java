package org.fluxion.tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional array of one {@link DType}: a view (shape, strides, offset) of a {@link Storage}.
 *
 * <p>Operations return new tensors and never modify their inputs. Views ({@link #reshape},
 * {@link #permute}, {@link #slice}, {@link #expand}...) share storage with their base without copying.
 * Binary operations broadcast as NumPy does and promote types as {@link DType} documents; a {@code double}
 * operand is a scalar of this tensor's type (a fractional one makes an integer tensor's result float32, as
 * PyTorch's Python scalars). Floating-point results follow IEEE 754: {@code 0/0} and {@code log(-1)} are
 * NaN, {@code 1/0} is infinity, NaN propagates through arithmetic, {@code max}/{@code maximum} and sums, and
 * compares unequal to everything (so {@code x.ne(x)} is true where {@code x} is NaN).
 *
 * <p>Axes may be negative, counting from the end. Invalid shapes, axes, indices and dtypes raise
 * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} naming the operation.
 *
 * <p>A facade: each method is one call to what implements it (ops, creation, autodiff through a service).
 */
public final class Tensor {
    final Storage storage;
    final Shape shape;
    final int[] strides;
    final int offset;
    /** What {@link TensorOps} the facade's methods call: ops' (a layer below), found on the class path. */
    private static final TensorOps OPS = Services.one(TensorOps.class);

    /** The innermost transformation's state (ops' {@code Interpreter}); null for a plain tensor (the fast path). */
    TensorState state;
    TensorType type; // every primitive applied to this tensor asks for it; kernels may set it (Creation)

    Tensor(Storage storage, Shape shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** A new contiguous, zero-filled tensor (false for bool). */
    public static Tensor empty(Shape shape, DType dtype) { return Creation.empty(shape, dtype); }

    /** A contiguous tensor over an existing storage, without copying; its length must be the shape's size. */
    public static Tensor wrap(Storage storage, Shape shape) { return Creation.wrap(storage, shape); }

    /** Zeros of type float32. */
    public static Tensor zeros(int... dims) { return empty(Shape.of("zeros", dims), DType.FLOAT32); }

    /** Zeros of the given type. */
    public static Tensor zeros(DType dtype, int... dims) { return empty(Shape.of("zeros", dims), dtype); }

    /** Ones of type float32. */
    public static Tensor ones(int... dims) { return full(1, DType.FLOAT32, dims); }

    /** Ones of the given type. */
    public static Tensor ones(DType dtype, int... dims) { return full(1, dtype, dims); }

    /** A tensor filled with {@code value}, float32. */
    public static Tensor full(double value, int... dims) { return full(value, DType.FLOAT32, dims); }

    /** A tensor filled with {@code value}, converted to {@code dtype}. */
    public static Tensor full(double value, DType dtype, int... dims) {
        return Creation.full(value, dtype, Shape.of("full", dims));
    }

    /** A rank-0 float32 tensor. */
    public static Tensor scalar(double value) { return scalar(value, DType.FLOAT32); }

    /** A rank-0 tensor of the given type. */
    public static Tensor scalar(double value, DType dtype) { return Creation.full(value, dtype, Shape.scalar()); }

    /** {@code [0, 1, ..., end-1]} as int64. */
    public static Tensor arange(long end) { return Creation.arange(0, end, 1, DType.INT64); }

    /** {@code start, start+step, ...} below {@code end} (above, for a negative step). */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        return Creation.arange(start, end, step, dtype);
    }

    /** {@code steps} evenly spaced float32 values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(start, end, steps, DType.FLOAT32);
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(double start, double end, int steps, DType dtype) {
        return Creation.linspace(start, end, steps, dtype);
    }

    /** The {@code n x n} float32 identity matrix. */
    public static Tensor eye(int n) { return Creation.eye(n, n, DType.FLOAT32); }

    /** An {@code n x m} matrix with ones on the diagonal. */
    public static Tensor eye(int n, int m, DType dtype) { return Creation.eye(n, m, dtype); }

    /** Uniform samples in {@code [0, 1)}, float32. */
    public static Tensor rand(RandomGenerator rng, int... dims) { return rand(rng, DType.FLOAT32, dims); }

    /** Uniform samples in {@code [0, 1)}, float32, from a generator seeded with {@code seed}. */
    public static Tensor rand(long seed, int... dims) { return rand(Creation.generator(seed), dims); }

    /** Uniform samples in {@code [0, 1)} of a floating-point type. */
    public static Tensor rand(RandomGenerator rng, DType dtype, int... dims) {
        return Creation.rand(rng, dtype, Shape.of("rand", dims));
    }

    /** Standard normal samples, float32. */
    public static Tensor randn(RandomGenerator rng, int... dims) { return randn(rng, DType.FLOAT32, dims); }

    /** Standard normal samples, float32, from a generator seeded with {@code seed}. */
    public static Tensor randn(long seed, int... dims) { return randn(Creation.generator(seed), dims); }

    /** Standard normal samples of a floating-point type. */
    public static Tensor randn(RandomGenerator rng, DType dtype, int... dims) {
        return Creation.randn(rng, dtype, Shape.of("randn", dims));
    }

    /** Uniform integers in {@code [low, high)}, int64. */
    public static Tensor randint(RandomGenerator rng, long low, long high, int... dims) {
        return Creation.randint(rng, low, high, Shape.of("randint", dims));
    }

    /** Uniform integers in {@code [low, high)}, int64, from a generator seeded with {@code seed}. */
    public static Tensor randint(long seed, long low, long high, int... dims) {
        return randint(Creation.generator(seed), low, high, dims);
    }

    /** A float32 tensor holding a copy of {@code data} (row-major) with the given shape. */
    public static Tensor of(float[] data, int... dims) { return Creation.copyOf(data, dims); }

    /** A float64 tensor holding a copy of {@code data} (row-major) with the given shape. */
    public static Tensor of(double[] data, int... dims) { return Creation.copyOf(data, dims); }

    /** An int32 tensor holding a copy of {@code data} (row-major) with the given shape. */
    public static Tensor of(int[] data, int... dims) { return Creation.copyOf(data, dims); }

    /** An int64 tensor holding a copy of {@code data} (row-major) with the given shape. */
    public static Tensor of(long[] data, int... dims) { return Creation.copyOf(data, dims); }

    /** A bool tensor holding a copy of {@code data} (row-major) with the given shape. */
    public static Tensor of(boolean[] data, int... dims) { return Creation.copyOf(data, dims); }

    /** A rank-1 float32 tensor of the given values. */
    public static Tensor vector(float... values) { return of(values, values.length); }

    /**
     * A tensor from a nested Java array such as {@code float[][]} or {@code double[][][]}; the dtype
     * follows the element type. Rows must not be ragged.
     */
    public static Tensor fromNested(Object nested) { return Creation.fromNested(nested); }

    // ---------------------------------------------------------------- properties

    public Shape shape() { return shape; }

    /** The dimensions, as a copy. */
    public int[] dims() { return shape.dims(); }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) { return shape.dim(axis); }
    public int rank() { return shape.rank(); }

    /** Number of elements. */
    public int size() { return shape.size(); }
    public DType dtype() { return storage.dtype(); }

    /** Shape and dtype; built once, on first use (a benign race: a record of final fields). */
    public TensorType type() { TensorType t = type; return t != null ? t : (type = new TensorType(shape, dtype())); }

    /** Strides in elements, as a copy. */
    public int[] strides() { return strides.clone(); }

    /** Stride of dimension {@code axis}, in elements. */
    public int stride(int axis) { return strides[Shape.normalizeAxis(axis, rank(), "stride")]; }

    /** Position of element {@code [0, ..., 0]} in the storage. */
    public int offset() { return offset; }

    /** True when elements are laid out densely in row-major order from the offset. */
    public boolean isContiguous() { return ElementAccess.isContiguous(this); }

    /** True for an abstract tensor that {@code jit} is tracing: it has a shape and dtype but no values yet. */
    public boolean isTraced() { return storage.isAbstract(); }

    // ---------------------------------------------------------------- element access

    /** Storage position of the element at {@code index}, validated; negative indices count from the end. */
    public int position(int... index) { return ElementAccess.position(this, index); }

    /** The element at {@code index} as a double; negative indices count from the end. */
    public double get(int... index) { return ElementAccess.get(this, index); }

    /** The element at {@code index} as a long. */
    public long getLong(int... index) { return ElementAccess.getLong(this, index); }

    /** The single value of a one-element tensor, as a double. */
    public double item() { return ElementAccess.item(this); }

    /** The elements in row-major order as a new float array, converting if needed. */
    public float[] toFloatArray() { return (float[]) Creation.toFlat(this, DType.FLOAT32); }

    /** The elements in row-major order as a new double array, converting if needed. */
    public double[] toDoubleArray() { return (double[]) Creation.toFlat(this, DType.FLOAT64); }

    /** The elements in row-major order as a new int array, converting if needed. */
    public int[] toIntArray() { return (int[]) Creation.toFlat(this, DType.INT32); }

    /** The elements in row-major order as a new long array, converting if needed. */
    public long[] toLongArray() { return (long[]) Creation.toFlat(this, DType.INT64); }

    /** The elements in row-major order as a new boolean array (non-zero is true). */
    public boolean[] toBooleanArray() { return (boolean[]) Creation.toFlat(this, DType.BOOL); }

    /**
     * The elements as a nested Java array matching the rank and dtype, e.g. {@code float[][]} for a
     * float32 matrix; a boxed value for a scalar.
     */
    public Object toNestedArray() { return Creation.toNested(this); }

    // ---------------------------------------------------------------- autodiff; in-place writes

    /**
     * Marks this tensor as a leaf whose gradient {@link #backward()} accumulates in {@link #grad()}; returns
     * this tensor.
     *
     * @throws IllegalArgumentException when the tensor is not float32 or float64
     */
    public Tensor requiresGrad(boolean flag) { return Services.REVERSE_MODE.setRequiresGrad(this, flag); }

    /** True for a leaf that requires grad and for the result of an operation recorded for backward. */
    public boolean requiresGrad() { return Services.REVERSE_MODE.requiresGrad(this); }

    /** The gradient accumulated by backward calls since the last {@link #zeroGrad()}, or null. */
    public Tensor grad() { return Services.REVERSE_MODE.grad(this); }

    /** Clears the accumulated gradient. */
    public void zeroGrad() { Services.REVERSE_MODE.zeroGrad(this); }

    /** A view of the same elements that no derivative flows through (stop-gradient). */
    public Tensor detach() { return OPS.detach(this); }

    /**
     * Backpropagates from this one-element tensor: every leaf that requires grad gets
     * {@code d this / d leaf} added to its {@link #grad()}. The graph's saved tensors are released.
     *
     * @throws IllegalArgumentException when this tensor has more than one element (pass a cotangent)
     */
    public void backward() { Services.REVERSE_MODE.backward(this, null, false, false); }

    /** Backpropagates the vector-Jacobian product with {@code cotangent}, of this tensor's shape. */
    public void backward(Tensor cotangent) { Services.REVERSE_MODE.backward(this, cotangent, false, false); }

    /**
     * Backpropagates {@code cotangent} (null: a one-element tensor's 1). With {@code retainGraph} the graph
     * can be walked again; with {@code createGraph} the gradients are recorded too (for higher order).
     */
    public void backward(Tensor cotangent, boolean retainGraph, boolean createGraph) {
        Services.REVERSE_MODE.backward(this, cotangent, retainGraph, createGraph);
    }

    /**
     * {@code this -= other} in place (other broadcast). Allowed under {@code GradMode.noGrad()} or on a tensor
     * that does not require grad, never while {@code jit} traces; bumps the storage version. Returns this tensor.
     *
     * @throws IllegalArgumentException when the result's type cannot be stored in this tensor's type, as in PyTorch
     *     (a floating-point result into an integer or bool tensor, a number into a bool tensor:
     *     {@link DType#canCast}), or when its shape is not this tensor's
     */
    public Tensor subInPlace(Tensor other) { return OPS.subInPlace(this, other); }

    /** {@code this += other} in place; see {@link #subInPlace}. */
    public Tensor addInPlace(Tensor other) { return OPS.addInPlace(this, other); }

    /** {@code this *= factor} in place; see {@link #subInPlace}. */
    public Tensor mulInPlace(double factor) { return OPS.mulInPlace(this, factor); }

    /**
     * Copies {@code source} (broadcast, converted to this tensor's type, truncating toward zero for an integer
     * destination as a cast does) into this tensor's elements; see {@link #subInPlace}.
     */
    public Tensor copyFrom(Tensor source) { return OPS.copyFrom(this, source); }

    // ---------------------------------------------------------------- conversion and views

    /** This tensor converted to {@code dtype} (itself when already of that type). */
    public Tensor to(DType dtype) { return OPS.to(this, dtype); }

    /** A contiguous tensor with the same values: this one if already contiguous, else a copy. */
    public Tensor contiguous() { return OPS.contiguous(this); }

    /** A copy with its own storage. */
    public Tensor copy() { return OPS.copy(this); }

    /** Same elements in a new shape; one dimension may be -1 (inferred). A view when strides allow. */
    public Tensor reshape(int... dims) { return OPS.reshape(this, dims); }

    /** Dimensions reordered: dimension {@code i} of the result is dimension {@code order[i]} of this. */
    public Tensor permute(int... order) { return OPS.permute(this, order); }

    /** Swaps two axes. */
    public Tensor transpose(int axis0, int axis1) { return OPS.transpose(this, axis0, axis1); }

    /** The matrix transpose of a rank-2 tensor (the last two axes of a higher-rank one). */
    public Tensor transpose() { return OPS.transpose(this); }

    /** A broadcast view to {@code dims} (NumPy rules; -1 keeps a dimension). No copy. */
    public Tensor expand(int... dims) { return OPS.expand(this, dims); }

    /** A broadcast view to {@code shape}. */
    public Tensor broadcastTo(Shape target) { return OPS.broadcastTo(this, target); }

    /**
     * Elements {@code start, start+step, ...} below {@code end} along {@code axis}, as a view.
     * Negative start/end count from the end and are clamped to the axis, as Python slices; step > 0.
     */
    public Tensor slice(int axis, int start, int end, int step) { return OPS.slice(this, axis, start, end, step); }

    /** {@link #slice} with step 1. */
    public Tensor slice(int axis, int start, int end) { return OPS.slice(this, axis, start, end); }

    /** The sub-tensor at {@code index} along {@code axis}, which is removed. A view. */
    public Tensor select(int axis, int index) { return OPS.select(this, axis, index); }

    /** Removes all dimensions of size 1. */
    public Tensor squeeze() { return OPS.squeeze(this); }

    /** Removes the given dimensions, each of which must have size 1. */
    public Tensor squeeze(int... axes) { return OPS.squeeze(this, axes); }

    /** Inserts a dimension of size 1 at {@code axis} (in {@code [-rank-1, rank]}). */
    public Tensor unsqueeze(int axis) { return OPS.unsqueeze(this, axis); }

    /** A rank-1 tensor of all elements. */
    public Tensor flatten() { return OPS.flatten(this); }

    /** Merges axes {@code startAxis..endAxis} (inclusive) into one. */
    public Tensor flatten(int startAxis, int endAxis) { return OPS.flatten(this, startAxis, endAxis); }

    // ---------------------------------------------------------------- elementwise, one operand

    public Tensor neg() { return OPS.neg(this); }
    public Tensor abs() { return OPS.abs(this); }

    /** -1, 0 or 1 by the sign; NaN stays NaN. */
    public Tensor sign() { return OPS.sign(this); }
    public Tensor exp() { return OPS.exp(this); }
    public Tensor log() { return OPS.log(this); }

    /** {@code log(1 + x)}, accurate for small x. */
    public Tensor log1p() { return OPS.log1p(this); }

    /** {@code exp(x) - 1}, accurate for small x. */
    public Tensor expm1() { return OPS.expm1(this); }
    public Tensor sqrt() { return OPS.sqrt(this); }

    /** {@code 1 / sqrt(x)}. */
    public Tensor rsqrt() { return OPS.rsqrt(this); }
    public Tensor sin() { return OPS.sin(this); }
    public Tensor cos() { return OPS.cos(this); }
    public Tensor tan() { return OPS.tan(this); }
    public Tensor tanh() { return OPS.tanh(this); }
    public Tensor sinh() { return OPS.sinh(this); }
    public Tensor cosh() { return OPS.cosh(this); }

    /** The inverse hyperbolic functions: {@code acosh} is NaN below 1, {@code atanh} beyond [-1, 1]. */
    public Tensor asinh() { return OPS.asinh(this); }
    public Tensor acosh() { return OPS.acosh(this); }
    public Tensor atanh() { return OPS.atanh(this); }

    /** {@code 1 / (1 + exp(-x))}. */
    public Tensor sigmoid() { return OPS.sigmoid(this); }

    /** {@code max(x, 0)}. */
    public Tensor relu() { return OPS.relu(this); }

    /** {@code x * x}. */
    public Tensor square() { return mul(this); }

    /** {@code 1 / x}. */
    public Tensor reciprocal() { return OPS.reciprocal(this); }

    /** True where the element is NaN. */
    public Tensor isNaN() { return OPS.isNaN(this); }

    /** True where the element is neither NaN nor infinite. */
    public Tensor isFinite() { return OPS.isFinite(this); }

    /** Logical negation of a bool tensor (non-zero counts as true for other types). */
    public Tensor logicalNot() { return OPS.logicalNot(this); }

    // ---------------------------------------------------------------- elementwise, two operands (broadcast)

    public Tensor add(Tensor other) { return OPS.add(this, other); }
    public Tensor add(double other) { return OPS.add(this, other); }
    public Tensor sub(Tensor other) { return OPS.sub(this, other); }
    public Tensor sub(double other) { return OPS.sub(this, other); }
    public Tensor mul(Tensor other) { return OPS.mul(this, other); }
    public Tensor mul(double other) { return OPS.mul(this, other); }

    /** True division: integer operands give a floating-point result. */
    public Tensor div(Tensor other) { return OPS.div(this, other); }
    public Tensor div(double other) { return OPS.div(this, other); }

    /** {@code this ^ exponent}, elementwise. */
    public Tensor pow(Tensor exponent) { return OPS.pow(this, exponent); }
    public Tensor pow(double exponent) { return OPS.pow(this, exponent); }

    /** Elementwise maximum; NaN if either is NaN. */
    public Tensor maximum(Tensor other) { return OPS.maximum(this, other); }
    public Tensor maximum(double other) { return OPS.maximum(this, other); }

    /** Elementwise minimum; NaN if either is NaN. */
    public Tensor minimum(Tensor other) { return OPS.minimum(this, other); }
    public Tensor minimum(double other) { return OPS.minimum(this, other); }

    /** Limits every element to {@code [min, max]}; throws when {@code min > max}. */
    public Tensor clamp(double min, double max) { return OPS.clamp(this, min, max); }

    /** {@code this == other} elementwise, as bool (as are the other comparisons). */
    public Tensor eq(Tensor other) { return OPS.eq(this, other); }
    public Tensor eq(double other) { return OPS.eq(this, other); }
    public Tensor ne(Tensor other) { return OPS.ne(this, other); }
    public Tensor ne(double other) { return OPS.ne(this, other); }
    public Tensor lt(Tensor other) { return OPS.lt(this, other); }
    public Tensor lt(double other) { return OPS.lt(this, other); }
    public Tensor le(Tensor other) { return OPS.le(this, other); }
    public Tensor le(double other) { return OPS.le(this, other); }
    public Tensor gt(Tensor other) { return OPS.gt(this, other); }
    public Tensor gt(double other) { return OPS.gt(this, other); }
    public Tensor ge(Tensor other) { return OPS.ge(this, other); }
    public Tensor ge(double other) { return OPS.ge(this, other); }

    /** Logical and of two tensors (non-zero counts as true), as bool. */
    public Tensor logicalAnd(Tensor other) { return OPS.logicalAnd(this, other); }

    /** Logical or of two tensors (non-zero counts as true), as bool. */
    public Tensor logicalOr(Tensor other) { return OPS.logicalOr(this, other); }

    /** {@code condition ? a : b} elementwise, with all three broadcast together. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) { return OPS.where(condition, a, b); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, as a scalar. Integer and bool tensors sum to int64. */
    public Tensor sum() { return OPS.sum(this); }

    /** Sum over {@code axes} (all when empty), dropping them unless {@code keepDims}. */
    public Tensor sum(int[] axes, boolean keepDims) { return OPS.sum(this, axes, keepDims); }

    /** Sum over one axis, dropping it. */
    public Tensor sum(int axis) { return OPS.sum(this, axis); }

    /** Mean of all elements. */
    public Tensor mean() { return OPS.mean(this); }
    public Tensor mean(int[] axes, boolean keepDims) { return OPS.mean(this, axes, keepDims); }
    public Tensor mean(int axis) { return OPS.mean(this, axis); }

    /** Product of all elements. */
    public Tensor prod() { return OPS.prod(this); }
    public Tensor prod(int[] axes, boolean keepDims) { return OPS.prod(this, axes, keepDims); }

    /** Largest element (NaN if any is NaN). */
    public Tensor max() { return OPS.max(this); }
    public Tensor max(int[] axes, boolean keepDims) { return OPS.max(this, axes, keepDims); }
    public Tensor max(int axis) { return OPS.max(this, axis); }

    /** Smallest element (NaN if any is NaN). */
    public Tensor min() { return OPS.min(this); }
    public Tensor min(int[] axes, boolean keepDims) { return OPS.min(this, axes, keepDims); }
    public Tensor min(int axis) { return OPS.min(this, axis); }

    /**
     * Cumulative sum along {@code axis} ({@code torch.cumsum}): {@code y[..., k, ...] = sum_{j <= k} x[..., j, ...]},
     * of this tensor's shape; integer and bool tensors give int64.
     */
    public Tensor cumsum(int axis) { return OPS.cumsum(this, axis); }

    /**
     * The {@code k} largest elements along the last axis, best first, with their int64 positions
     * ({@code torch.topk}); ties go to the lower position.
     */
    public TopKResult topk(int k) { return OPS.topk(this, k); }

    /**
     * The {@code k} largest (or, when {@code largest} is false, smallest) elements along {@code axis} with
     * their int64 positions; {@code sorted}: best first, otherwise in increasing position.
     */
    public TopKResult topk(int k, int axis, boolean largest, boolean sorted) { return OPS.topk(this, k, axis, largest, sorted); }

    /** Index (int64) of the largest element along {@code axis}; the first one on ties. */
    public Tensor argmax(int axis, boolean keepDims) { return OPS.argmax(this, axis, keepDims); }

    /** Index (int64) of the largest element of the flattened tensor. */
    public Tensor argmax() { return OPS.argmax(this); }

    /** Index (int64) of the smallest element along {@code axis}; the first one on ties. */
    public Tensor argmin(int axis, boolean keepDims) { return OPS.argmin(this, axis, keepDims); }

    /** Index (int64) of the smallest element of the flattened tensor. */
    public Tensor argmin() { return OPS.argmin(this); }

    /** {@code log(sum(exp(x)))} over {@code axes}, computed stably. */
    public Tensor logsumexp(int[] axes, boolean keepDims) { return OPS.logsumexp(this, axes, keepDims); }

    /**
     * Variance over {@code axes}: {@code sum((x - mean)^2) / max(0, n - correction)}; correction 1 gives the
     * unbiased estimate, 0 the population variance. A correction of {@code n} or more gives infinity (NaN
     * where all deviations are 0), the variance of no elements is NaN, as in PyTorch.
     */
    public Tensor variance(int[] axes, int correction, boolean keepDims) { return OPS.variance(this, axes, correction, keepDims); }

    /** {@code exp(x) / sum(exp(x))} along {@code axis}, computed stably. */
    public Tensor softmax(int axis) { return OPS.softmax(this, axis); }

    /** {@code x - logsumexp(x)} along {@code axis}, computed stably. */
    public Tensor logSoftmax(int axis) { return OPS.logSoftmax(this, axis); }

    // ---------------------------------------------------------------- joining, padding, indexing

    /** Joins tensors along an existing axis; other dimensions must match. */
    public static Tensor concat(int axis, Tensor... tensors) { return OPS.concat(axis, tensors); }

    /** Joins tensors along an existing axis; other dimensions must match. */
    public static Tensor concat(int axis, List<Tensor> tensors) { return OPS.concat(axis, tensors); }

    /** Joins equally shaped tensors along a new axis. */
    public static Tensor stack(int axis, Tensor... tensors) { return OPS.stack(axis, tensors); }

    /** Joins equally shaped tensors along a new axis. */
    public static Tensor stack(int axis, List<Tensor> tensors) { return OPS.stack(axis, tensors); }

    /** Splits along {@code axis} into pieces of the given sizes, which must add up to the axis. Views. */
    public List<Tensor> split(int axis, int... sizes) { return OPS.split(this, axis, sizes); }

    /** Splits along {@code axis} into pieces of {@code size} (the last may be smaller). Views. */
    public List<Tensor> chunk(int axis, int size) { return OPS.chunk(this, axis, size); }

    /**
     * Pads with a constant. {@code padding} holds (before, after) pairs starting from the first axis:
     * {@code {b0, a0, b1, a1, ...}}; axes without a pair are not padded.
     */
    public Tensor pad(int[] padding, double value) { return OPS.pad(this, padding, value); }

    /**
     * {@code out[i][j] = this[index[i][j]][j]} for axis 0 (and likewise for other axes): index has the
     * same rank as this tensor, any integer type.
     */
    public Tensor gather(int axis, Tensor index) { return OPS.gather(this, axis, index); }

    /** The slices along {@code axis} at the positions of a rank-1 integer {@code index}. */
    public Tensor indexSelect(int axis, Tensor index) { return OPS.indexSelect(this, axis, index); }

    /**
     * A copy of this tensor with {@code source} added at the positions {@code index} gives along
     * {@code axis}: {@code out[index[i][j]][j] += source[i][j]} for axis 0. Repeated indices accumulate.
     */
    public Tensor scatterAdd(int axis, Tensor index, Tensor source) { return OPS.scatterAdd(this, axis, index, source); }

    /** One-hot float32 encoding of integer class labels: shape {@code indices.shape + [numClasses]}. */
    public static Tensor oneHot(Tensor indices, int numClasses) { return OPS.oneHot(indices, numClasses); }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with NumPy semantics: 1-D operands are treated as vectors, leading (batch)
     * dimensions broadcast. {@code [..., n, k] @ [..., k, m] -> [..., n, m]}.
     */
    public Tensor matmul(Tensor other) { return OPS.matmul(this, other); }

    // ---------------------------------------------------------------- comparison and printing

    /** True when shapes match and every element satisfies {@code |a - b| <= atol + rtol * |b|}. */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return TensorFormat.allClose(this, other, rtol, atol);
    }

    /** {@link #allClose(Tensor, double, double)} with rtol 1e-5 and atol 1e-8, as NumPy. */
    public boolean allClose(Tensor other) { return allClose(other, 1e-5, 1e-8); }

    /** Equal when dtype, shape and every element are equal (NaN equals NaN here). */
    @Override
    public boolean equals(Object o) { return TensorFormat.equal(this, o); }

    @Override
    public int hashCode() { return TensorFormat.hash(this); }

    /** Values with NumPy-like elision of long dimensions, then shape and dtype. */
    @Override
    public String toString() { return TensorFormat.describe(this); }
}

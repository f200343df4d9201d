package org.fluxion.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor: an immutable list of non-negative sizes. A scalar has rank 0.
 *
 * <p>Axes may be given negatively, counting from the end, as in NumPy: axis -1 is the last.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;
    /** {@link #contiguousStrides()}, computed once for the tensors of this package, which share it (never written). */
    private volatile int[] contiguous;
    private final long size;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        this.size = n;
    }

    /**
     * The largest number of elements of one tensor: a Java array has an int index, and the JVM refuses
     * arrays within a few elements of {@code Integer.MAX_VALUE}.
     */
    public static final int MAX_SIZE = Integer.MAX_VALUE - 16;

    /** A shape with the given dimensions; each must be {@code >= 0}. */
    public static Shape of(int... dims) {
        return of(null, dims);
    }

    /**
     * The shape of the result of {@code op} (named by its errors), with the given dimensions.
     *
     * @throws IllegalArgumentException naming {@code op} when a dimension is negative or the shape has
     *                                  more than {@link #MAX_SIZE} elements
     */
    public static Shape of(String op, int... dims) {
        if (dims.length == 0) {
            return SCALAR;
        }
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (d < 0 || d > MAX_SIZE || n > MAX_SIZE) {
                n = -1;
                break;
            }
        }
        if (n >= 0) {
            return new Shape(dims.clone()); // the usual case: valid, nothing to widen or describe
        }
        long[] wide = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            wide[i] = dims[i];
        }
        return new Shape(checked(op, wide));
    }

    /**
     * The shape of the result of {@code op} whose dimensions were computed in {@code long} (a sum of sizes,
     * a product), so that an error reports the size it would have had rather than a wrapped-around int.
     *
     * @throws IllegalArgumentException naming {@code op} and the true dimensions when one is negative or
     *                                  beyond int range, or the shape has more than {@link #MAX_SIZE} elements
     */
    public static Shape ofLong(String op, long... dims) {
        return dims.length == 0 ? SCALAR : new Shape(checked(op, dims));
    }

    private static int[] checked(String op, long[] dims) {
        boolean empty = false;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(describe(op, dims) + ": dimension " + i + " is negative (" + dims[i] + ")");
            }
            if (dims[i] > MAX_SIZE) {
                throw new IllegalArgumentException(describe(op, dims) + ": dimension " + i + " (" + dims[i] + ") is more than "
                        + "the " + MAX_SIZE + " elements one tensor can hold");
            }
            empty |= dims[i] == 0;
        }
        long n = 1;
        boolean overflow = false;
        for (int i = 0; i < dims.length && !empty && !overflow; i++) {
            overflow = n > Long.MAX_VALUE / dims[i];
            n *= dims[i];
        }
        if (overflow || n > MAX_SIZE) {
            throw new IllegalArgumentException(describe(op, dims) + " has " + (overflow ? "more than 2^63" : Long.toString(n))
                    + " elements, more than the " + MAX_SIZE + " one tensor can hold (Java arrays have int indices)");
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = (int) dims[i];
        }
        return out;
    }

    /** How an error names the shape: "op: the result shape [..]"; built only when an error is thrown. */
    private static String describe(String op, long[] dims) {
        return (op == null ? "" : op + ": the result ") + "shape " + Arrays.toString(dims);
    }

    /** The rank-0 shape of a scalar. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return dims[normalizeAxis(axis, dims.length, "dim")];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int size() {
        return (int) size;
    }

    /** The strides of every scalar: empty, so shared (nothing can be written into it). */
    private static final int[] NO_STRIDES = new int[0];
    /** The contiguous strides of every rank-1 shape, shared by the tensors of this package (never written). */
    private static final int[] UNIT_STRIDE = {1};

    /** Row-major (C order) strides of a contiguous tensor of this shape, in elements. */
    public int[] contiguousStrides() {
        if (dims.length == 0) {
            return NO_STRIDES;
        }
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        return strides;
    }

    /** Whether {@code strides} is the array {@link #sharedContiguousStrides()} gave: a tensor made dense. */
    boolean isSharedContiguous(int[] strides) {
        return strides == contiguous || strides == UNIT_STRIDE || strides == NO_STRIDES;
    }

    /**
     * {@link #contiguousStrides()} for a tensor of this package, which never writes its strides: one array per
     * shape, made on first use (constants for ranks 0 and 1), so a loop over tensors of one shape allocates no
     * strides.
     */
    int[] sharedContiguousStrides() {
        if (dims.length <= 1) {
            return dims.length == 1 ? UNIT_STRIDE : NO_STRIDES;
        }
        int[] s = contiguous;
        if (s == null) {
            s = contiguousStrides();
            contiguous = s; // volatile: whoever reads the array sees its elements
        }
        return s;
    }

    /**
     * The NumPy broadcast of two shapes: aligned from the right, each pair of dimensions must be equal
     * or one of them 1.
     *
     * @throws IllegalArgumentException naming the operation and both shapes when they do not broadcast
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        // One shape broadcast to the other (equal shapes, a scalar operand, a bias row): that shape, not a copy.
        if (b.broadcastsTo(a)) {
            return a;
        }
        if (a.broadcastsTo(b)) {
            return b;
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return of(op, out); // [n, 1] with [1, n] can have more elements than either
    }

    /** True when a tensor of this shape can be broadcast to {@code target} (NumPy rules, one way). */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        int offset = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + offset]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Turns a possibly negative axis into an index in {@code [0, rank)}.
     *
     * @throws IllegalArgumentException naming {@code op}, the axis and the rank when out of range
     */
    public static int normalizeAxis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank "
                    + rank + " (expected " + (-rank) + " <= axis < " + rank + ")");
        }
        return a;
    }

    /** Normalized, sorted, duplicate-free axes; an empty array means all axes. */
    public static int[] normalizeAxes(int[] axes, int rank, String op) {
        if (axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        boolean[] seen = new boolean[rank];
        for (int axis : axes) {
            int a = normalizeAxis(axis, rank, op);
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": axis " + axis + " is repeated in " + Arrays.toString(axes));
            }
            seen[a] = true;
        }
        int[] out = new int[axes.length];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (seen[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Printed like a Python tuple-free list: {@code [2, 3]}, {@code []} for a scalar. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

package org.fluxion.tensor;

/**
 * Reading single elements and the layout questions behind {@link Tensor}'s element methods: where an index
 * lies in the storage, whether the layout is dense, and whether the tensor has values at all (a traced
 * tensor has none while jit traces, and never will once it escaped its trace).
 */
final class ElementAccess {
    private ElementAccess() {
    }

    /** True when elements are laid out densely in row-major order from the offset (size-1 axes ignored). */
    static boolean isContiguous(Tensor t) {
        if (t.shape.isSharedContiguous(t.strides)) {
            return true; // made dense (empty, wrap): a kernel's output, asked again by the next kernel
        }
        int expected = 1;
        for (int i = t.shape.rank() - 1; i >= 0; i--) {
            int d = t.shape.dim(i);
            if (d != 1 && t.strides[i] != expected) {
                return false;
            }
            expected *= d;
        }
        return true;
    }

    /**
     * Storage position of the element at {@code index}: {@code offset + sum_i k_i * strides[i]}, with
     * {@code k_i = index[i]} or {@code index[i] + dim(i)} for a negative index.
     *
     * @throws IllegalArgumentException  when the index has not one entry per axis
     * @throws IndexOutOfBoundsException naming the axis, its size and the shape when an entry is out of range
     */
    static int position(Tensor t, int... index) {
        Shape shape = t.shape;
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("index of length " + index.length
                    + " for a tensor of rank " + shape.rank() + " and shape " + shape);
        }
        int p = t.offset;
        for (int i = 0; i < index.length; i++) {
            int d = shape.dim(i);
            int k = index[i] < 0 ? index[i] + d : index[i];
            if (k < 0 || k >= d) {
                throw new IndexOutOfBoundsException("index " + index[i] + " is out of bounds for axis " + i
                        + " of size " + d + " (shape " + shape + ")");
            }
            p += k * t.strides[i];
        }
        return p;
    }

    static double get(Tensor t, int... index) {
        concrete(t, "get");
        return t.storage.getDouble(position(t, index));
    }

    static long getLong(Tensor t, int... index) {
        concrete(t, "getLong");
        return t.storage.getLong(position(t, index));
    }

    /** @throws IllegalArgumentException when {@code t} has not exactly one element */
    static double item(Tensor t) {
        concrete(t, "item");
        if (t.size() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + t.shape + " has " + t.size()
                    + " elements, expected exactly 1");
        }
        return t.storage.getDouble(t.offset);
    }

    /**
     * Checks that {@code t} has values: reading a traced tensor's values (to branch on them with a Java
     * {@code if}, loop on them, or print them) cannot be compiled.
     *
     * @throws EscapedTracerException   for a tracer that outlived its trace
     * @throws ConcretizationException for a tracer of a trace still being recorded
     */
    static void concrete(Tensor t, String what) {
        for (var s = t.state; s != null; s = s.lower()) {
            if (s instanceof Tracer tracer && tracer.escaped()) {
                throw EscapedTracerException.of(what, t.type());
            }
        }
        if (t.storage.isAbstract()) {
            throw new ConcretizationException(what + ": the values of a traced tensor " + t.type() + " are not known "
                    + "while jit traces the function (or vmap runs it for a whole batch at once), so a Java if, loop or "
                    + what + "() on it cannot be compiled; "
                    + "branch with Control.cond, loop with Control.whileLoop / fori / scan (org.fluxion.transforms), or pass "
                    + "the value as a static argument");
        }
    }
}

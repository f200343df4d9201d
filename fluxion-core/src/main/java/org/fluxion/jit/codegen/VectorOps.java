package org.fluxion.jit.codegen;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector operations of generated kernels that are the same for every element type, written once over
 * {@code Vector<E>}: arithmetic, comparisons, logic, masks and reduction folds. One small static method per
 * instruction, named after its {@link org.fluxion.ops.UnaryOp} / {@link org.fluxion.ops.BinaryOp} constant in
 * lower case, so that the bytecode generator only emits loads, stores and {@code invokestatic}; C2 inlines them
 * into the kernel's loop, where each vector has its exact class (a {@code Float512Vector}, say), so the calls on
 * {@code Vector} are bound statically and intrinsified as if written on {@code FloatVector}.
 *
 * <p>What depends on the element type (memory, broadcasts of a scalar, the species, and the transcendental
 * functions, whose float32 forms are {@link org.fluxion.kernels.VectorMath}'s and float64 forms
 * {@link StrictMath}'s) lives in the two bindings {@link VF} (float32) and {@link VD} (float64); a name is
 * declared in exactly one of this class and the binding ({@link BytecodeGenerator#requireVectorForms}).
 * Every operation here is IEEE-exact lane by lane, so a float32 result is bit for bit the eager kernel's.
 */
final class VectorOps {
    private VectorOps() {
    }

    // ---- masks in boolean arrays (a binding passes its species and the bytes of as many lanes) ----

    /**
     * The lanes of {@code a[off..]} under {@code m}, as a mask of species {@code s}; {@code b} has as many byte
     * lanes as {@code s} has lanes, or is null where no such byte species exists (then lane by lane).
     */
    static <E> VectorMask<E> loadMask(VectorSpecies<E> s, VectorSpecies<Byte> b, boolean[] a, int off,
            VectorMask<E> m) {
        if (b != null) {
            return ByteVector.fromBooleanArray(b, a, off, m.cast(b)).compare(VectorOperators.NE, 0).cast(s);
        }
        boolean[] t = new boolean[s.length()];
        for (int k = 0; k < t.length; k++) t[k] = m.laneIsSet(k) && a[off + k];
        return VectorMask.fromArray(s, t, 0);
    }

    /** Writes the lanes of {@code v} under {@code m} into {@code a[off..]}; {@code b} as for {@link #loadMask}. */
    static <E> void storeMask(VectorSpecies<Byte> b, VectorMask<E> v, boolean[] a, int off, VectorMask<E> m) {
        if (b != null) {
            ((ByteVector) v.cast(b).toVector()).intoBooleanArray(a, off, m.cast(b));
            return;
        }
        for (int k = 0; k < v.length(); k++) {
            if (m.laneIsSet(k)) a[off + k] = v.laneIsSet(k);
        }
    }

    // ---- unary ----

    static <E> Vector<E> neg(Vector<E> x) {
        return x.neg();
    }

    static <E> Vector<E> abs(Vector<E> x) {
        return x.abs();
    }

    /** Math.signum: ±1, and x itself for ±0 and NaN. */
    static <E> Vector<E> sign(Vector<E> x) {
        return x.blend(1, x.compare(VectorOperators.GT, 0)).blend(-1, x.compare(VectorOperators.LT, 0));
    }

    static <E> Vector<E> sqrt(Vector<E> x) {
        return x.lanewise(VectorOperators.SQRT);
    }

    /** {@code 1 / sqrt(x)}: two correctly rounded operations, as the scalar formula. */
    static <E> Vector<E> rsqrt(Vector<E> x) {
        return x.broadcast(1).div(x.lanewise(VectorOperators.SQRT));
    }

    /** max(x, 0) with NaN kept. */
    static <E> Vector<E> relu(Vector<E> x) {
        return x.lanewise(VectorOperators.MAX, 0);
    }

    static <E> VectorMask<E> is_nan(Vector<E> x) {
        return x.test(VectorOperators.IS_NAN);
    }

    static <E> VectorMask<E> is_finite(Vector<E> x) {
        return x.test(VectorOperators.IS_FINITE);
    }

    static <E> VectorMask<E> logical_not(VectorMask<E> x) {
        return x.not();
    }

    static <E> VectorMask<E> logical_not(Vector<E> x) {
        return x.compare(VectorOperators.EQ, 0);
    }

    /** A float operand of a logical operation: true where non-zero (NaN included). */
    static <E> VectorMask<E> nonzero(Vector<E> x) {
        return x.compare(VectorOperators.NE, 0);
    }

    // ---- binary ----

    static <E> Vector<E> add(Vector<E> a, Vector<E> b) {
        return a.add(b);
    }

    static <E> Vector<E> sub(Vector<E> a, Vector<E> b) {
        return a.sub(b);
    }

    static <E> Vector<E> mul(Vector<E> a, Vector<E> b) {
        return a.mul(b);
    }

    static <E> Vector<E> div(Vector<E> a, Vector<E> b) {
        return a.div(b);
    }

    static <E> Vector<E> maximum(Vector<E> a, Vector<E> b) {
        return a.max(b);
    }

    static <E> Vector<E> minimum(Vector<E> a, Vector<E> b) {
        return a.min(b);
    }

    static <E> VectorMask<E> eq(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.EQ, b);
    }

    static <E> VectorMask<E> ne(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.NE, b);
    }

    static <E> VectorMask<E> lt(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.LT, b);
    }

    static <E> VectorMask<E> le(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.LE, b);
    }

    static <E> VectorMask<E> gt(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.GT, b);
    }

    static <E> VectorMask<E> ge(Vector<E> a, Vector<E> b) {
        return a.compare(VectorOperators.GE, b);
    }

    static <E> VectorMask<E> logical_and(VectorMask<E> a, VectorMask<E> b) {
        return a.and(b);
    }

    static <E> VectorMask<E> logical_or(VectorMask<E> a, VectorMask<E> b) {
        return a.or(b);
    }

    // ---- masks ----

    static <E> Vector<E> where(VectorMask<E> m, Vector<E> a, Vector<E> b) {
        return b.blend(a, m);
    }

    // ---- reduction folds ----

    static <E> Vector<E> sum(Vector<E> acc, Vector<E> v) {
        return acc.add(v);
    }

    static <E> Vector<E> sum(Vector<E> acc, Vector<E> v, VectorMask<E> m) {
        return acc.add(v, m);
    }

    static <E> Vector<E> max(Vector<E> acc, Vector<E> v) {
        return acc.max(v);
    }

    static <E> Vector<E> max(Vector<E> acc, Vector<E> v, VectorMask<E> m) {
        return acc.lanewise(VectorOperators.MAX, v, m);
    }

    /**
     * The lanes summed in lane order, in double (each lane is exact in double): {@code reduceLanes(ADD)} leaves
     * the order unspecified, and its intrinsic and its Java fallback do differ, so a result would change when C2
     * compiles the kernel.
     */
    static <E> double sumLanes(Vector<E> acc) {
        if (acc instanceof FloatVector f && f.species() == VF.S) {
            // Widened in registers, the low half's lanes then the high half's (a double vector of the same shape has
            // half as many lanes): toDoubleArray allocated an array on every call, even compiled by C2.
            double s = addLanes(0, (DoubleVector) f.convertShape(VectorOperators.F2D, WIDE, 0));
            return addLanes(s, (DoubleVector) f.convertShape(VectorOperators.F2D, WIDE, 1));
        }
        if (acc instanceof DoubleVector d) {
            return addLanes(0, d);
        }
        double s = 0;
        for (double x : acc.toDoubleArray()) {
            s += x;
        }
        return s;
    }

    /** Doubles of the generated kernels' float vector shape. */
    private static final VectorSpecies<Double> WIDE = VectorSpecies.of(double.class, VF.S.vectorShape());

    /** {@code s} plus each lane of {@code d}, one at a time in lane order. */
    private static double addLanes(double s, DoubleVector d) {
        for (int i = 0; i < d.length(); i++) {
            s += d.lane(i);
        }
        return s;
    }

    /**
     * The largest lane, NaN if any lane is NaN: Math.max's rule, which is order-free, so {@code reduceLanes(MAX)}'s
     * unspecified order gives the same value (a softmax's row maximum: a loop over the lanes converted to double cost
     * twice the fold of the row).
     */
    static <E> double maxLanes(Vector<E> acc) {
        if (acc instanceof FloatVector f) {
            return f.reduceLanes(VectorOperators.MAX);
        }
        return ((DoubleVector) acc).reduceLanes(VectorOperators.MAX);
    }
}

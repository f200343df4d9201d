package org.fluxion.jit.codegen;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.kernels.VectorMath;
import org.fluxion.ops.UnaryOp;

/**
 * The float32 vector operations that generated kernels call, one small static method per instruction so
 * that the bytecode generator only emits loads, stores and {@code invokestatic}; C2 inlines them all into
 * the kernel's loop. Operation methods are named after their {@link org.fluxion.ops.UnaryOp} /
 * {@link org.fluxion.ops.BinaryOp} constant in lower case and compute what the eager float32 kernel
 * computes, bit for bit: transcendental functions are {@link VectorMath}'s, never the Vector API's
 * lanewise EXP/LOG/SIN/..., whose bits change when C2 compiles the kernel. Masks are {@code VectorMask<Float>} of the same species.
 */
final class VF {
    static final VectorSpecies<Float> S = VectorLoops.F;
    static final int L = S.length();
    /** Bytes with as many lanes as {@link #S}, to move masks in and out of {@code boolean[]} under a mask. */
    private static final VectorSpecies<Byte> B = L * 8 >= 64 && L * 8 <= 512
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;

    private VF() {
    }

    // ---- memory ----

    static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    static FloatVector load(float[] a, int off, VectorMask<Float> m) {
        return FloatVector.fromArray(S, a, off, m);
    }

    static void store(FloatVector v, float[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(FloatVector v, float[] a, int off, VectorMask<Float> m) {
        v.intoArray(a, off, m);
    }

    static VectorMask<Float> load(boolean[] a, int off) {
        return VectorMask.fromArray(S, a, off);
    }

    static VectorMask<Float> load(boolean[] a, int off, VectorMask<Float> m) {
        if (B != null) {
            return ByteVector.fromBooleanArray(B, a, off, m.cast(B)).compare(VectorOperators.NE, 0).cast(S);
        }
        boolean[] t = new boolean[L];
        for (int k = 0; k < L; k++) t[k] = m.laneIsSet(k) && a[off + k];
        return VectorMask.fromArray(S, t, 0);
    }

    static void store(VectorMask<Float> v, boolean[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(VectorMask<Float> v, boolean[] a, int off, VectorMask<Float> m) {
        if (B != null) {
            ((ByteVector) v.cast(B).toVector()).intoBooleanArray(a, off, m.cast(B));
            return;
        }
        for (int k = 0; k < L; k++) {
            if (m.laneIsSet(k)) a[off + k] = v.laneIsSet(k);
        }
    }

    /** Lanes {@code i + k < end}. */
    static VectorMask<Float> tail(int i, int end) {
        return S.indexInRange(i, end);
    }

    static FloatVector broadcast(float v) {
        return FloatVector.broadcast(S, v);
    }

    static VectorMask<Float> broadcast(boolean v) {
        return S.maskAll(v);
    }

    // ---- unary ----

    static FloatVector neg(FloatVector x) {
        return x.neg();
    }

    static FloatVector abs(FloatVector x) {
        return x.abs();
    }

    /** Math.signum: ±1, and x itself for ±0 and NaN. */
    static FloatVector sign(FloatVector x) {
        return x.blend(1, x.compare(VectorOperators.GT, 0)).blend(-1, x.compare(VectorOperators.LT, 0));
    }

    static FloatVector exp(FloatVector x) {
        return VectorMath.exp(x);
    }

    static FloatVector log(FloatVector x) {
        return VectorMath.log(x);
    }

    static FloatVector log1p(FloatVector x) {
        return VectorMath.lanewise(x, v -> VectorMath.log1p((float) v));
    }

    static FloatVector expm1(FloatVector x) {
        return VectorMath.lanewise(x, v -> VectorMath.expm1((float) v));
    }

    static FloatVector sqrt(FloatVector x) {
        return x.sqrt();
    }

    static FloatVector rsqrt(FloatVector x) {
        return FloatVector.broadcast(S, 1).div(x.sqrt());
    }

    static FloatVector sin(FloatVector x) {
        return VectorMath.sin(x);
    }

    static FloatVector cos(FloatVector x) {
        return VectorMath.cos(x);
    }

    static FloatVector tan(FloatVector x) {
        return VectorMath.lanewise(x, v -> VectorMath.tan((float) v));
    }

    static FloatVector tanh(FloatVector x) {
        return VectorMath.tanh(x);
    }

    static FloatVector sigmoid(FloatVector x) {
        return VectorMath.sigmoid(x);
    }

    /** max(x, 0) with NaN kept. */
    static FloatVector relu(FloatVector x) {
        return x.max(0);
    }

    static VectorMask<Float> is_nan(FloatVector x) {
        return x.test(VectorOperators.IS_NAN);
    }

    static VectorMask<Float> is_finite(FloatVector x) {
        return x.test(VectorOperators.IS_FINITE);
    }

    static VectorMask<Float> logical_not(VectorMask<Float> x) {
        return x.not();
    }

    static VectorMask<Float> logical_not(FloatVector x) {
        return x.compare(VectorOperators.EQ, 0);
    }

    /** A float operand of a logical operation: true where non-zero (NaN included). */
    static VectorMask<Float> nonzero(FloatVector x) {
        return x.compare(VectorOperators.NE, 0);
    }

    // ---- binary ----

    static FloatVector add(FloatVector a, FloatVector b) {
        return a.add(b);
    }

    static FloatVector sub(FloatVector a, FloatVector b) {
        return a.sub(b);
    }

    static FloatVector mul(FloatVector a, FloatVector b) {
        return a.mul(b);
    }

    static FloatVector div(FloatVector a, FloatVector b) {
        return a.div(b);
    }

    static FloatVector pow(FloatVector a, FloatVector b) {
        return VectorMath.lanewise(a, b, (u, v) -> VectorMath.pow((float) u, (float) v));
    }

    static FloatVector maximum(FloatVector a, FloatVector b) {
        return a.max(b);
    }

    static FloatVector minimum(FloatVector a, FloatVector b) {
        return a.min(b);
    }

    static VectorMask<Float> eq(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.EQ, b);
    }

    static VectorMask<Float> ne(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.NE, b);
    }

    static VectorMask<Float> lt(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.LT, b);
    }

    static VectorMask<Float> le(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.LE, b);
    }

    static VectorMask<Float> gt(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.GT, b);
    }

    static VectorMask<Float> ge(FloatVector a, FloatVector b) {
        return a.compare(VectorOperators.GE, b);
    }

    static VectorMask<Float> logical_and(VectorMask<Float> a, VectorMask<Float> b) {
        return a.and(b);
    }

    static VectorMask<Float> logical_or(VectorMask<Float> a, VectorMask<Float> b) {
        return a.or(b);
    }

    // ---- masks ----

    static FloatVector where(VectorMask<Float> m, FloatVector a, FloatVector b) {
        return b.blend(a, m);
    }

    static FloatVector tofloat(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1, m);
    }

    // ---- reductions ----

    static FloatVector sumIdentity() {
        return FloatVector.zero(S);
    }

    static FloatVector maxIdentity() {
        return FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    }

    static FloatVector sum(FloatVector acc, FloatVector v) {
        return acc.add(v);
    }

    static FloatVector sum(FloatVector acc, FloatVector v, VectorMask<Float> m) {
        return acc.add(v, m);
    }

    static FloatVector max(FloatVector acc, FloatVector v) {
        return acc.max(v);
    }

    static FloatVector max(FloatVector acc, FloatVector v, VectorMask<Float> m) {
        return acc.lanewise(VectorOperators.MAX, v, m);
    }

    /**
     * The lanes summed in lane order, in double: {@code reduceLanes(ADD)} leaves the order unspecified, and
     * its intrinsic and its Java fallback do differ, so a result would change when C2 compiles the kernel.
     */
    static double sumLanes(FloatVector acc) {
        double s = 0;
        for (float x : acc.toArray()) {
            s += x;
        }
        return s;
    }

    static double maxLanes(FloatVector acc) {
        return acc.reduceLanes(VectorOperators.MAX);
    }

    static FloatVector floor(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.FLOOR.value((float) v));
    }

    static FloatVector ceil(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.CEIL.value((float) v));
    }

    static FloatVector round(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ROUND.value((float) v));
    }

    static FloatVector erf(FloatVector x) {
        return org.fluxion.kernels.ErfF32.erf(x);
    }

    static FloatVector asin(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ASIN.value((float) v));
    }

    static FloatVector acos(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ACOS.value((float) v));
    }

    static FloatVector atan(FloatVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ATAN.value((float) v));
    }
}

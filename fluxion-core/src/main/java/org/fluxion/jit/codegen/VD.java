package org.fluxion.jit.codegen;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.VectorMath;
import org.fluxion.ops.UnaryOp;

/**
 * The float64 vector operations that generated kernels call, one small static method per instruction so
 * that the bytecode generator only emits loads, stores and {@code invokestatic}; C2 inlines them all into
 * the kernel's loop. Operation methods are named after their {@link org.fluxion.ops.UnaryOp} /
 * {@link org.fluxion.ops.BinaryOp} constant in lower case and compute the eager float64 kernel's scalar
 * formula. Masks are {@code VectorMask<Double>} of the same species.
 */
final class VD {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Bytes with as many lanes as {@link #S}, to move masks in and out of {@code boolean[]} under a mask. */
    private static final VectorSpecies<Byte> B = L * 8 >= 64 && L * 8 <= 512
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;

    private VD() {
    }

    // ---- memory ----

    static DoubleVector load(double[] a, int off) {
        return DoubleVector.fromArray(S, a, off);
    }

    static DoubleVector load(double[] a, int off, VectorMask<Double> m) {
        return DoubleVector.fromArray(S, a, off, m);
    }

    static void store(DoubleVector v, double[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(DoubleVector v, double[] a, int off, VectorMask<Double> m) {
        v.intoArray(a, off, m);
    }

    static VectorMask<Double> load(boolean[] a, int off) {
        return VectorMask.fromArray(S, a, off);
    }

    static VectorMask<Double> load(boolean[] a, int off, VectorMask<Double> m) {
        if (B != null) {
            return ByteVector.fromBooleanArray(B, a, off, m.cast(B)).compare(VectorOperators.NE, 0).cast(S);
        }
        boolean[] t = new boolean[L];
        for (int k = 0; k < L; k++) t[k] = m.laneIsSet(k) && a[off + k];
        return VectorMask.fromArray(S, t, 0);
    }

    static void store(VectorMask<Double> v, boolean[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(VectorMask<Double> v, boolean[] a, int off, VectorMask<Double> m) {
        if (B != null) {
            ((ByteVector) v.cast(B).toVector()).intoBooleanArray(a, off, m.cast(B));
            return;
        }
        for (int k = 0; k < L; k++) {
            if (m.laneIsSet(k)) a[off + k] = v.laneIsSet(k);
        }
    }

    /** Lanes {@code i + k < end}. */
    static VectorMask<Double> tail(int i, int end) {
        return S.indexInRange(i, end);
    }

    static DoubleVector broadcast(double v) {
        return DoubleVector.broadcast(S, v);
    }

    static VectorMask<Double> broadcast(boolean v) {
        return S.maskAll(v);
    }

    // ---- unary ----

    static DoubleVector neg(DoubleVector x) {
        return x.neg();
    }

    static DoubleVector abs(DoubleVector x) {
        return x.abs();
    }

    /** Math.signum: ±1, and x itself for ±0 and NaN. */
    static DoubleVector sign(DoubleVector x) {
        return x.blend(1, x.compare(VectorOperators.GT, 0)).blend(-1, x.compare(VectorOperators.LT, 0));
    }

    static DoubleVector exp(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::exp);
    }

    static DoubleVector log(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::log);
    }

    static DoubleVector log1p(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::log1p);
    }

    static DoubleVector expm1(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::expm1);
    }

    static DoubleVector sqrt(DoubleVector x) {
        return x.sqrt();
    }

    static DoubleVector rsqrt(DoubleVector x) {
        return DoubleVector.broadcast(S, 1).div(x.sqrt());
    }

    static DoubleVector sin(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::sin);
    }

    static DoubleVector cos(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::cos);
    }

    static DoubleVector tan(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::tan);
    }

    static DoubleVector tanh(DoubleVector x) {
        return VectorMath.lanewise(x, StrictMath::tanh);
    }

    /** The eager float64 formula: {@code z = e^-|x|}, {@code 1 / (1 + z)} for x >= 0, {@code z / (1 + z)} below. */
    static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector z = VectorMath.lanewise(x.abs().neg(), StrictMath::exp);
        DoubleVector d = z.add(1);
        return z.div(d).blend(DoubleVector.broadcast(S, 1).div(d), x.compare(VectorOperators.GE, 0));
    }

    /** max(x, 0) with NaN kept. */
    static DoubleVector relu(DoubleVector x) {
        return x.max(0);
    }

    static VectorMask<Double> is_nan(DoubleVector x) {
        return x.test(VectorOperators.IS_NAN);
    }

    static VectorMask<Double> is_finite(DoubleVector x) {
        return x.test(VectorOperators.IS_FINITE);
    }

    static VectorMask<Double> logical_not(VectorMask<Double> x) {
        return x.not();
    }

    static VectorMask<Double> logical_not(DoubleVector x) {
        return x.compare(VectorOperators.EQ, 0);
    }

    /** A float operand of a logical operation: true where non-zero (NaN included). */
    static VectorMask<Double> nonzero(DoubleVector x) {
        return x.compare(VectorOperators.NE, 0);
    }

    // ---- binary ----

    static DoubleVector add(DoubleVector a, DoubleVector b) {
        return a.add(b);
    }

    static DoubleVector sub(DoubleVector a, DoubleVector b) {
        return a.sub(b);
    }

    static DoubleVector mul(DoubleVector a, DoubleVector b) {
        return a.mul(b);
    }

    static DoubleVector div(DoubleVector a, DoubleVector b) {
        return a.div(b);
    }

    static DoubleVector pow(DoubleVector a, DoubleVector b) {
        return VectorMath.lanewise(a, b, StrictMath::pow);
    }

    static DoubleVector maximum(DoubleVector a, DoubleVector b) {
        return a.max(b);
    }

    static DoubleVector minimum(DoubleVector a, DoubleVector b) {
        return a.min(b);
    }

    static VectorMask<Double> eq(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.EQ, b);
    }

    static VectorMask<Double> ne(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.NE, b);
    }

    static VectorMask<Double> lt(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.LT, b);
    }

    static VectorMask<Double> le(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.LE, b);
    }

    static VectorMask<Double> gt(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.GT, b);
    }

    static VectorMask<Double> ge(DoubleVector a, DoubleVector b) {
        return a.compare(VectorOperators.GE, b);
    }

    static VectorMask<Double> logical_and(VectorMask<Double> a, VectorMask<Double> b) {
        return a.and(b);
    }

    static VectorMask<Double> logical_or(VectorMask<Double> a, VectorMask<Double> b) {
        return a.or(b);
    }

    // ---- masks ----

    static DoubleVector where(VectorMask<Double> m, DoubleVector a, DoubleVector b) {
        return b.blend(a, m);
    }

    static DoubleVector tofloat(VectorMask<Double> m) {
        return DoubleVector.zero(S).blend(1, m);
    }

    // ---- reductions ----

    static DoubleVector sumIdentity() {
        return DoubleVector.zero(S);
    }

    static DoubleVector maxIdentity() {
        return DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    }

    static DoubleVector sum(DoubleVector acc, DoubleVector v) {
        return acc.add(v);
    }

    static DoubleVector sum(DoubleVector acc, DoubleVector v, VectorMask<Double> m) {
        return acc.add(v, m);
    }

    static DoubleVector max(DoubleVector acc, DoubleVector v) {
        return acc.max(v);
    }

    static DoubleVector max(DoubleVector acc, DoubleVector v, VectorMask<Double> m) {
        return acc.lanewise(VectorOperators.MAX, v, m);
    }

    /**
     * The lanes summed in lane order, in double: {@code reduceLanes(ADD)} leaves the order unspecified, and
     * its intrinsic and its Java fallback do differ, so a result would change when C2 compiles the kernel.
     */
    static double sumLanes(DoubleVector acc) {
        double s = 0;
        for (double x : acc.toArray()) {
            s += x;
        }
        return s;
    }

    static double maxLanes(DoubleVector acc) {
        return acc.reduceLanes(VectorOperators.MAX);
    }

    static DoubleVector floor(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.FLOOR.value(v));
    }

    static DoubleVector ceil(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.CEIL.value(v));
    }

    static DoubleVector round(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ROUND.value(v));
    }

    static DoubleVector erf(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ERF.value(v));
    }

    static DoubleVector asin(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ASIN.value(v));
    }

    static DoubleVector acos(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ACOS.value(v));
    }

    static DoubleVector atan(DoubleVector x) {
        return VectorMath.lanewise(x, v -> UnaryOp.ATAN.value(v));
    }
}

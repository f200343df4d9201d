package org.fluxion.jit.codegen;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.VectorMath;
import org.fluxion.ops.UnaryOp;

/**
 * The float64 binding of the generated kernels' vector operations, as {@link VF} is the float32 one: species,
 * memory, broadcasts, identities, and the transcendental functions, here the eager float64 kernel's formula,
 * {@link StrictMath} lane by lane (the same bits compiled or not).
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

    static Vector<Double> load(double[] a, int off) {
        return DoubleVector.fromArray(S, a, off);
    }

    static Vector<Double> load(double[] a, int off, VectorMask<Double> m) {
        return DoubleVector.fromArray(S, a, off, m);
    }

    static void store(Vector<Double> v, double[] a, int off) {
        ((DoubleVector) v).intoArray(a, off);
    }

    static void store(Vector<Double> v, double[] a, int off, VectorMask<Double> m) {
        ((DoubleVector) v).intoArray(a, off, m);
    }

    static VectorMask<Double> load(boolean[] a, int off) {
        return VectorMask.fromArray(S, a, off);
    }

    static VectorMask<Double> load(boolean[] a, int off, VectorMask<Double> m) {
        return VectorOps.loadMask(S, B, a, off, m);
    }

    static void store(VectorMask<Double> v, boolean[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(VectorMask<Double> v, boolean[] a, int off, VectorMask<Double> m) {
        VectorOps.storeMask(B, v, a, off, m);
    }

    /** Lanes {@code i + k < end}. */
    static VectorMask<Double> tail(int i, int end) {
        return S.indexInRange(i, end);
    }

    // ---- constants ----

    static Vector<Double> broadcast(double v) {
        return DoubleVector.broadcast(S, v);
    }

    static VectorMask<Double> broadcast(boolean v) {
        return S.maskAll(v);
    }

    static Vector<Double> tofloat(VectorMask<Double> m) {
        return DoubleVector.zero(S).blend(1, m);
    }

    static Vector<Double> sumIdentity() {
        return DoubleVector.zero(S);
    }

    static Vector<Double> maxIdentity() {
        return DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    }

    // ---- transcendental functions (the others run lane by lane: byLane) ----

    /** The eager float64 formula: {@code z = e^-|x|}, {@code 1 / (1 + z)} for x >= 0, {@code z / (1 + z)} below. */
    static Vector<Double> sigmoid(Vector<Double> x) {
        DoubleVector z = VectorMath.lanewise(((DoubleVector) x).abs().neg(), StrictMath::exp);
        DoubleVector d = z.add(1);
        return z.div(d).blend(DoubleVector.broadcast(S, 1).div(d), x.compare(VectorOperators.GE, 0));
    }

    static Vector<Double> pow(Vector<Double> a, Vector<Double> b) {
        return VectorMath.lanewise((DoubleVector) a, (DoubleVector) b, StrictMath::pow);
    }

    private static final UnaryOp[] UNARY = UnaryOp.values();

    /** Any unary operation without a form of its own, lane by lane through its float64 formula. */
    static Vector<Double> byLane(Vector<Double> x, int op) {
        UnaryOp u = UNARY[op];
        return VectorMath.lanewise((DoubleVector) x, u::value);
    }
}

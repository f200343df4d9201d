package org.fluxion.jit.codegen;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.ScalarMath;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.kernels.VectorMath;
import org.fluxion.ops.UnaryOp;

/**
 * The float32 binding of the generated kernels' vector operations: what {@link VectorOps} cannot say without the
 * element type, namely the species, loads and stores of {@code float[]} and {@code boolean[]}, broadcasts,
 * identities, and the transcendental functions. These are {@link VectorMath}'s, the same sequence of operations
 * as the eager float32 kernels (bit for bit), never the Vector API's lanewise EXP/LOG/SIN/..., whose bits change
 * when C2 compiles the kernel. Vectors travel as {@code Vector<Float>} (a {@code FloatVector}) and masks as
 * {@code VectorMask<Float>}, as in {@link VectorOps}, so that every helper has one descriptor shape.
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

    static Vector<Float> load(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
    }

    static Vector<Float> load(float[] a, int off, VectorMask<Float> m) {
        return FloatVector.fromArray(S, a, off, m);
    }

    static void store(Vector<Float> v, float[] a, int off) {
        ((FloatVector) v).intoArray(a, off);
    }

    static void store(Vector<Float> v, float[] a, int off, VectorMask<Float> m) {
        ((FloatVector) v).intoArray(a, off, m);
    }

    static VectorMask<Float> load(boolean[] a, int off) {
        return VectorMask.fromArray(S, a, off);
    }

    static VectorMask<Float> load(boolean[] a, int off, VectorMask<Float> m) {
        return VectorOps.loadMask(S, B, a, off, m);
    }

    static void store(VectorMask<Float> v, boolean[] a, int off) {
        v.intoArray(a, off);
    }

    static void store(VectorMask<Float> v, boolean[] a, int off, VectorMask<Float> m) {
        VectorOps.storeMask(B, v, a, off, m);
    }

    /** Lanes {@code i + k < end}. */
    static VectorMask<Float> tail(int i, int end) {
        return S.indexInRange(i, end);
    }

    // ---- constants ----

    static Vector<Float> broadcast(float v) {
        return FloatVector.broadcast(S, v);
    }

    static VectorMask<Float> broadcast(boolean v) {
        return S.maskAll(v);
    }

    static Vector<Float> tofloat(VectorMask<Float> m) {
        return FloatVector.zero(S).blend(1, m);
    }

    static Vector<Float> sumIdentity() {
        return FloatVector.zero(S);
    }

    static Vector<Float> maxIdentity() {
        return FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    }

    // ---- transcendental functions: VectorMath's float32 forms ----

    static Vector<Float> exp(Vector<Float> x) {
        return VectorMath.exp((FloatVector) x);
    }

    static Vector<Float> log(Vector<Float> x) {
        return VectorMath.log((FloatVector) x);
    }

    static Vector<Float> sin(Vector<Float> x) {
        return VectorMath.sin((FloatVector) x);
    }

    static Vector<Float> cos(Vector<Float> x) {
        return VectorMath.cos((FloatVector) x);
    }

    static Vector<Float> tanh(Vector<Float> x) {
        return VectorMath.tanh((FloatVector) x);
    }

    static Vector<Float> sigmoid(Vector<Float> x) {
        return VectorMath.sigmoid((FloatVector) x);
    }

    static Vector<Float> pow(Vector<Float> a, Vector<Float> b) {
        return VectorMath.lanewise((FloatVector) a, (FloatVector) b, (u, v) -> ScalarMath.pow((float) u, (float) v));
    }

    static Vector<Float> erf(Vector<Float> x) {
        return VectorMath.erf((FloatVector) x);
    }

    private static final UnaryOp[] UNARY = UnaryOp.values();

    /**
     * Any unary operation without a form of its own, lane by lane through its float32 scalar formula
     * ({@link UnaryOp#value(float)}), so that generated code gives the eager kernel's bits for every operation.
     */
    static Vector<Float> byLane(Vector<Float> x, int op) {
        UnaryOp u = UNARY[op];
        return VectorMath.lanewise((FloatVector) x, v -> u.value((float) v));
    }
}

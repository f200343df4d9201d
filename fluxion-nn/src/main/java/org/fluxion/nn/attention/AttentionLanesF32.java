package org.fluxion.nn.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.fluxion.kernels.VectorMath;

/**
 * The Vector API parts of {@link AttentionRowsF32}'s loops: each covers the first {@link #bound(int) bound(n)}
 * elements of a row in whole vectors, and the caller's scalar loop the rest. Loaded only when
 * {@link org.fluxion.kernels.Vectorization#ENABLED}.
 */
final class AttentionLanesF32 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AttentionLanesF32() {
    }

    /** The elements of a row of {@code n} these methods cover: a multiple of the lane count. */
    static int bound(int n) {
        return S.loopBound(n);
    }

    /** {@code s[i] = exp(s[i] - shift)} for the covered elements; returns their sum across the lanes. */
    static float expShifted(float[] s, int off, int n, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, s, off + i).sub(shift));
            e.intoArray(s, off + i);
            acc = acc.add(e);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void scale(float[] a, int off, int n, float f) {
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, a, off + i).mul(f).intoArray(a, off + i);
        }
    }

    /** The covered part of {@code sum a[aOff + i] b[bOff + i]}, by fma in the lanes, then across them. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static void softmaxGrad(float[] p, float[] dp, int off, int n, float delta, float scale) {
        for (int i = 0, bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, off + i);
            FloatVector.fromArray(S, dp, off + i).sub(delta).mul(pv).mul(scale).intoArray(dp, off + i);
        }
    }
}

package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Small helpers shared by the float32 Vector API loops. They are tiny so that the JIT always inlines
 * them into the loop of each operation, which keeps the vector code monomorphic and intrinsified.
 */
public final class VectorLoops {
    /** The widest float species of this CPU. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Number of float lanes of {@link #F}. */
    public static final int L = F.length();

    private VectorLoops() {
    }

    /** Lanes {@code i..i+L} of a run with stride 1, or the broadcast value of a run with stride 0. */
    public static FloatVector load(float[] a, int offset, int stride, int i) {
        return stride == 0 ? FloatVector.broadcast(F, a[offset]) : FloatVector.fromArray(F, a, offset + i);
    }

    /** Elements of a run that the vector loop covers: a multiple of L, or 0 when a stride is not 0/1. */
    public static int vectorBound(int n, int stride0, int stride1) {
        return (stride0 | stride1) >>> 1 == 0 ? F.loopBound(n) : 0;
    }
}

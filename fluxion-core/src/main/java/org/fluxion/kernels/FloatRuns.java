package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane masks built from bit patterns, and the add of short contiguous float runs (the 10-30 element
 * rows of col2im) with vector moves: whole vectors, then one masked vector for the rest; a scalar loop
 * pays a per-element cost that dominates at these lengths.
 *
 * <p>A run of length {@code len} is split as {@code full(len)} elements in whole vectors and a tail of
 * {@code len - full(len)} elements under {@code tailMask(len)}; callers that repeat one length compute
 * both once.
 */
final class FloatRuns {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    private FloatRuns() {
    }

    /** Elements of a run of {@code len} covered by whole vectors. */
    static int full(int len) {
        return len - len % VL;
    }

    /** The mask of the last, partial vector of a run of {@code len} (all false when there is none). */
    static VectorMask<Float> tailMask(int len) {
        return lanes(0, len % VL, VL);
    }

    /**
     * The lanes {@code [from, from + count)} clipped to {@code [0, limit)}. Built from a bit pattern,
     * which compiles to a mask-register move; {@code VectorSpecies.indexInRange} is not intrinsified
     * here and allocates.
     */
    static VectorMask<Float> lanes(int from, int count, int limit) {
        int lo = Math.max(0, from), hi = Math.min(Math.min(limit, VL), from + count);
        long bits = hi <= lo ? 0 : (hi - lo == 64 ? -1L : (1L << (hi - lo)) - 1) << lo;
        return VectorMask.fromLong(S, bits);
    }

    /** {@code dst[d, d+len) += src[s, s+len)}, with {@code full = full(len)} and {@code tail = tailMask(len)}. */
    static void add(float[] src, int s, float[] dst, int d, int len, int full, VectorMask<Float> tail) {
        int k = 0;
        for (; k < full; k += VL) {
            FloatVector.fromArray(S, dst, d + k).add(FloatVector.fromArray(S, src, s + k)).intoArray(dst, d + k);
        }
        if (k < len) {
            FloatVector.fromArray(S, dst, d + k, tail).add(FloatVector.fromArray(S, src, s + k, tail))
                    .intoArray(dst, d + k, tail);
        }
    }
}

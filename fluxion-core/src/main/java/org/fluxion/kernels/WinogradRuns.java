package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two combinations of F(2x2, 3x3)'s transforms ({@link ConvWinogradF32}), applied elementwise to runs of
 * {@code len} floats of one array at the given offsets, in whole vectors and one masked vector for the rest (the
 * runs are a plane's tiles, 4 to 64 long: too short for the compiler's loop vectorization to pay). A masked access
 * must lie wholly inside its array (else the Vector API checks it lane by lane): callers keep a vector of slack.
 */
final class WinogradRuns {
    private static final VectorSpecies<Float> S = FloatRuns.S;
    private static final int VL = FloatRuns.VL;

    /** Lane j holds {@code 2j + k}: the index, into two vectors of a row, of the column that {@link #phases} takes. */
    private static final FloatVector EVEN = columns(0), ODD = columns(1), NEXT_EVEN = columns(2), NEXT_ODD = columns(3);

    private WinogradRuns() {
    }

    private static FloatVector columns(int k) {
        float[] index = new float[VL];
        for (int j = 0; j < VL; j++) {
            index[j] = Math.min(2 * j + k, 2 * VL - 1); // the lanes past the last tile are not stored
        }
        return FloatVector.fromArray(S, index, 0);
    }

    /** Widest row of tiles {@link #phases} takes: the padded row, {@code 2*TW + 2} columns, in two vectors. */
    static final int MAX_PHASE_TILES = VL - 1;

    /**
     * One padded input row {@code d[k] = x[rowStart + k - pw]} for {@code 0 <= k - pw < wd}, else 0 (all 0 when
     * {@code rowStart < 0}: a padding row), split into the four phase rows of its {@code tw} tiles:
     * {@code dst[at + j] = d[2j], dst[at + q + j] = d[2j + 2], dst[at + 2q + j] = d[2j + 1],
     * dst[at + 3q + j] = d[2j + 3]} for {@code j < tw <= MAX_PHASE_TILES}; two masked loads and four two-vector
     * permutes instead of {@code 4*tw} scalar moves.
     */
    static void phases(float[] x, int rowStart, int pw, int wd, float[] dst, int at, int q, int tw) {
        VectorMask<Float> tiles = FloatRuns.lanes(0, tw, VL);
        if (rowStart < 0) {
            FloatVector zero = FloatVector.zero(S);
            zero.intoArray(dst, at, tiles);
            zero.intoArray(dst, at + q, tiles);
            zero.intoArray(dst, at + 2 * q, tiles);
            zero.intoArray(dst, at + 3 * q, tiles);
            return;
        }
        // lanes k of the two vectors: columns k - pw of x's row, those inside it
        FloatVector lo = FloatVector.fromArray(S, x, rowStart - pw, FloatRuns.lanes(pw, wd, VL));
        FloatVector hi = FloatVector.fromArray(S, x, rowStart - pw + VL, FloatRuns.lanes(pw - VL, wd, VL));
        EVEN.selectFrom(lo, hi).intoArray(dst, at, tiles);
        NEXT_EVEN.selectFrom(lo, hi).intoArray(dst, at + q, tiles);
        ODD.selectFrom(lo, hi).intoArray(dst, at + 2 * q, tiles);
        NEXT_ODD.selectFrom(lo, hi).intoArray(dst, at + 3 * q, tiles);
    }

    /**
     * Rows of {@code B^T d} for the four inputs {@code d0..d3} at {@code src[a], src[b], src[c], src[d]}:
     * {@code dst[o0] = d0 - d2, dst[o1] = d1 + d2, dst[o2] = d2 - d1, dst[o3] = d1 - d3}.
     */
    static void input(float[] src, int a, int b, int c, int d, float[] dst, int o0, int o1, int o2, int o3, int len) {
        int full = FloatRuns.full(len), k = 0;
        for (; k < full; k += VL) {
            FloatVector d0 = FloatVector.fromArray(S, src, a + k), d1 = FloatVector.fromArray(S, src, b + k);
            FloatVector d2 = FloatVector.fromArray(S, src, c + k), d3 = FloatVector.fromArray(S, src, d + k);
            d0.sub(d2).intoArray(dst, o0 + k);
            d1.add(d2).intoArray(dst, o1 + k);
            d2.sub(d1).intoArray(dst, o2 + k);
            d1.sub(d3).intoArray(dst, o3 + k);
        }
        if (k < len) {
            VectorMask<Float> m = FloatRuns.tailMask(len);
            FloatVector d0 = FloatVector.fromArray(S, src, a + k, m), d1 = FloatVector.fromArray(S, src, b + k, m);
            FloatVector d2 = FloatVector.fromArray(S, src, c + k, m), d3 = FloatVector.fromArray(S, src, d + k, m);
            d0.sub(d2).intoArray(dst, o0 + k, m);
            d1.add(d2).intoArray(dst, o1 + k, m);
            d2.sub(d1).intoArray(dst, o2 + k, m);
            d1.sub(d3).intoArray(dst, o3 + k, m);
        }
    }

    /**
     * Rows of {@code A^T m} for the four inputs {@code m0..m3} at {@code src[a], src[b], src[c], src[d]}:
     * {@code dst[o0] = (m0 + m1) + m2, dst[o1] = (m1 - m2) - m3}.
     */
    static void output(float[] src, int a, int b, int c, int d, float[] dst, int o0, int o1, int len) {
        int full = FloatRuns.full(len), k = 0;
        for (; k < full; k += VL) {
            FloatVector m0 = FloatVector.fromArray(S, src, a + k), m1 = FloatVector.fromArray(S, src, b + k);
            FloatVector m2 = FloatVector.fromArray(S, src, c + k), m3 = FloatVector.fromArray(S, src, d + k);
            m0.add(m1).add(m2).intoArray(dst, o0 + k);
            m1.sub(m2).sub(m3).intoArray(dst, o1 + k);
        }
        if (k < len) {
            VectorMask<Float> m = FloatRuns.tailMask(len);
            FloatVector m0 = FloatVector.fromArray(S, src, a + k, m), m1 = FloatVector.fromArray(S, src, b + k, m);
            FloatVector m2 = FloatVector.fromArray(S, src, c + k, m), m3 = FloatVector.fromArray(S, src, d + k, m);
            m0.add(m1).add(m2).intoArray(dst, o0 + k, m);
            m1.sub(m2).sub(m3).intoArray(dst, o1 + k, m);
        }
    }
}

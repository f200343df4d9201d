package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 max pooling with the Vector API, any window ({@link MaxPool2x2F32} for the common 2x2 one): the body
 * of {@link PoolF32#maxForward} when {@link Vectorization#ENABLED}. Edge columns go through
 * {@link PoolF32#maxScalar}, whose update rule the vector lanes apply in the same order, so both agree exactly.
 */
final class MaxPoolF32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** Int lanes matching {@link #FS} one to one, for the argmax indices. */
    private static final VectorSpecies<Integer> IS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(FS.length() * Integer.SIZE));

    private MaxPoolF32() {
    }

    static void forward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        int hw = g.height() * g.width(), p = g.outHeight() * g.outWidth();
        int sw = g.strideW(), pw = g.padW(), vl = FS.length();
        // Output columns q in [qLo, qHi) have their whole window inside the input width.
        int qLo = Math.min(g.outWidth(), (pw + sw - 1) / sw);
        int span = g.width() + pw - g.kernelW();
        int qHi = span < 0 ? qLo : Math.max(qLo, Math.min(g.outWidth(), span / sw + 1));
        // Lane l of a vector step reads input column ws + l*sw. The last, partial step of a row repeats
        // its last valid column in the unused lanes: a masked gather still range-checks every lane.
        int tail = (qHi - qLo) % vl == 0 ? vl : (qHi - qLo) % vl;
        int[] laneCols = new int[vl], tailCols = new int[vl];
        for (int l = 0; l < vl; l++) {
            laneCols[l] = l * sw;
            tailCols[l] = Math.min(l, tail - 1) * sw;
        }
        if (MaxPool2x2F32.applies(g)) {
            Pool2dKernels.forPlanes(g,
                    (start, end) -> MaxPool2x2F32.forward(g, x, xOff, y, yOff, argmax, aOff, start, end));
            return;
        }
        Pool2dKernels.forPlanes(g, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                maxPlane(g, x, xOff + plane * hw, y, yOff + plane * p, argmax, aOff + plane * p,
                        qLo, qHi, laneCols, tailCols);
            }
        });
    }

    /**
     * One plane of max pooling. Output columns whose window lies wholly inside the input width go
     * {@code FS.length()} at a time (the data is random, so a scalar compare-and-branch mispredicts about
     * once per output); edge columns and the tail go one by one. Both apply the same update rule in the
     * same row-major window order, so they agree exactly, ties and NaNs included.
     */
    private static void maxPlane(Pool2dGeometry g, float[] x, int xp, float[] y, int yp, int[] argmax, int ap,
                                 int qLo, int qHi, int[] laneCols, int[] tailCols) {
        int w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int kw = g.kernelW(), sw = g.strideW(), pw = g.padW();
        int vl = FS.length();
        IntVector laneOffsets = IntVector.fromArray(IS, laneCols, 0);
        for (int r = 0; r < oh; r++) {
            int hs = g.rowStart(r), he = g.rowEnd(r);
            int out = r * ow;
            int q = 0;
            for (; q < qLo; q++) {
                PoolF32.maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, g.colStart(q), g.colEnd(q), w);
            }
            for (; q < qHi; q += vl) {
                // a short row or the tail runs masked rather than scalar: rows are often narrower than vl
                VectorMask<Float> lanes = FS.indexInRange(q, qHi);
                int[] cols = q + vl <= qHi ? laneCols : tailCols;
                int ws = q * sw - pw;
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                IntVector mi = laneOffsets.add(hs * w + ws);
                for (int ih = hs; ih < he; ih++) {
                    for (int j = 0; j < kw; j++) {
                        int at = ih * w + ws + j;
                        FloatVector v = sw == 1 ? FloatVector.fromArray(FS, x, xp + at, lanes)
                                : FloatVector.fromArray(FS, x, xp + at, cols, 0);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                        m = m.blend(v, take);
                        mi = mi.blend(laneOffsets.add(at), take.cast(IS));
                    }
                }
                m.intoArray(y, yp + out + q, lanes);
                mi.intoArray(argmax, ap + out + q, lanes.cast(IS));
            }
            for (q = qHi; q < ow; q++) {
                PoolF32.maxScalar(x, xp, y, yp + out + q, argmax, ap + out + q, hs, he, g.colStart(q), g.colEnd(q), w);
            }
        }
    }
}

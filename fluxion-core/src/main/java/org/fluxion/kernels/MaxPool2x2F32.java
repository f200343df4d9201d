package org.fluxion.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 max pooling for the common 2x2 window, stride 2, no padding, floor mode (every window inside
 * the input), one {@code [H, W]} plane at a time.
 *
 * <p>Output row r reads input rows 2r and 2r+1. For up to {@code VL} outputs of a row at once it loads
 * the {@code 2*VL} input columns of each of the two rows with contiguous (masked) loads and splits them
 * into even and odd columns with two-source lane permutations: no gathers, whose per-lane index checks
 * dominated the gather version. The four window elements are then applied in row-major order with the
 * rule of {@code PoolF32.maxScalar}: the first maximum wins, a NaN beats everything (the last NaN wins),
 * so results and argmax agree exactly with the general path.
 */
final class MaxPool2x2F32 {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(FS.length() * Integer.SIZE));
    private static final VectorSpecies<Byte> BS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(FS.length() * Byte.SIZE));
    private static final int VL = FS.length();
    /** Lane l picks lane 2l (EVEN) or 2l+1 (ODD) of the concatenation of two vectors. */
    private static final float[] EVEN_ODD = new float[2 * VL];
    /** Lane l holds 2l: the input column offset of output lane l. */
    private static final int[] TWICE_IOTA = new int[VL];
    /**
     * The inverse of {@link #EVEN_ODD}: lane l of the concatenation (even, odd) interleaved, the first VL input
     * columns of a row ({@code ZIP[0, VL)}) and the next VL ({@code ZIP[VL, 2 VL)}).
     */
    private static final float[] ZIP = new float[2 * VL];

    static {
        for (int l = 0; l < VL; l++) {
            EVEN_ODD[l] = 2 * l;
            EVEN_ODD[VL + l] = 2 * l + 1;
            TWICE_IOTA[l] = 2 * l;
        }
        for (int c = 0; c < 2 * VL; c++) {
            ZIP[c] = c % 2 == 0 ? c / 2 : VL + c / 2;
        }
    }

    private MaxPool2x2F32() {
    }

    /** True when {@code g} is the 2x2, stride-2, unpadded, floor-mode pooling this class handles. */
    static boolean applies(Pool2dGeometry g) {
        return MaxPoolWindowsF32.applies(g);
    }

    /**
     * Planes {@code [start, end)}: {@code y} and {@code argmax} (flat index within the input plane) of
     * plane i start at {@code yOff + i*OH*OW} and {@code aOff + i*OH*OW}, its input at {@code xOff + i*H*W}. A null
     * {@code argmax}: the maxima only.
     */
    static void forward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff,
                        int start, int end) {
        forward(g, x, xOff, y, yOff, argmax, aOff, null, 0, start, end);
    }

    /**
     * {@link #forward} writing each window's code ({@link MaxPoolWindowsF32}: its maximum's position, plus
     * {@link MaxPoolWindowsF32#NOT_POSITIVE} when that maximum is not positive) instead of an argmax, a byte per
     * window at {@code wOff + i*OH*OW} for plane i.
     */
    static void forwardWindows(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, byte[] win, int wOff,
                               int start, int end) {
        forward(g, x, xOff, y, yOff, null, 0, win, wOff, start, end);
    }

    /** The maxima, and the argmax and the window codes where their arrays are not null. */
    private static void forward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff,
                                byte[] win, int wOff, int start, int end) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int hw = h * w, p = oh * ow;
        FloatVector even = FloatVector.fromArray(FS, EVEN_ODD, 0);
        FloatVector odd = FloatVector.fromArray(FS, EVEN_ODD, VL);
        IntVector twice = IntVector.fromArray(IS, TWICE_IOTA, 0);
        IntVector zero = IntVector.zero(IS);
        // segments of up to VL outputs of a row outermost: their masks then serve every plane
        for (int q0 = 0; q0 < ow; q0 += VL) {
            int n = Math.min(VL, ow - q0);
            // the 2n input columns of these outputs: lanes [0, 2n) of two vectors
            VectorMask<Float> lo = FloatRuns.lanes(0, 2 * n, VL);
            // The second vector of a row: the next VL columns, or, when one vector holds them all, the
            // first one again (chosen by offset and mask: C2 boxes a vector chosen on two paths).
            int hiOff = 2 * n > VL ? VL : 0;
            VectorMask<Float> hi = FloatRuns.lanes(0, 2 * n - hiOff, VL);
            VectorMask<Float> out = FloatRuns.lanes(0, n, VL);
            VectorMask<Integer> outI = out.cast(IS);
            VectorMask<Byte> outB = out.cast(BS);
            for (int plane = start; plane < end; plane++) {
                int xp = xOff + plane * hw, yp = yOff + plane * p, ap = aOff + plane * p, wp = wOff + plane * p;
                for (int r = 0; r < oh; r++) {
                    int top = 2 * r * w + 2 * q0; // within the plane
                    int a = xp + top, b = a + w;
                    FloatVector a0 = FloatVector.fromArray(FS, x, a, lo);
                    FloatVector a1 = FloatVector.fromArray(FS, x, a + hiOff, hi);
                    FloatVector b0 = FloatVector.fromArray(FS, x, b, lo);
                    FloatVector b1 = FloatVector.fromArray(FS, x, b + hiOff, hi);
                    // the window's elements in row-major order; pos: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right
                    FloatVector m = even.selectFrom(a0, a1);
                    FloatVector v = odd.selectFrom(a0, a1);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, take);
                    IntVector pos = zero.blend(1, take.cast(IS));
                    v = even.selectFrom(b0, b1);
                    take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, take);
                    pos = pos.blend(2, take.cast(IS));
                    v = odd.selectFrom(b0, b1);
                    take = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, take);
                    pos = pos.blend(3, take.cast(IS));
                    m.intoArray(y, yp + r * ow + q0, out);
                    if (argmax != null) { // top + 2 lane + {0, 1, w, w + 1}[pos]
                        twice.add(top).add(pos.and(1)).add(pos.lanewise(VectorOperators.LSHR, 1).mul(w))
                                .intoArray(argmax, ap + r * ow + q0, outI);
                    }
                    if (win != null) {
                        IntVector code = pos.add(MaxPoolWindowsF32.NOT_POSITIVE,
                                m.compare(VectorOperators.GT, 0f).not().cast(IS));
                        ((ByteVector) code.convertShape(VectorOperators.I2B, BS, 0)).intoArray(win, wp + r * ow + q0,
                                outB);
                    }
                }
            }
        }
    }

    /**
     * {@link #backward} routed by the window codes of {@link #forwardWindows} instead of x: a byte a window read in
     * place of its four inputs, the same bits.
     */
    static void backwardFromWindows(Pool2dGeometry g, byte[] win, int wOff, float[] dy, int dyOff, float[] dx,
                                    int dxOff, int start, int end, boolean positiveOnly) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int hw = h * w, p = oh * ow;
        FloatVector zipLo = FloatVector.fromArray(FS, ZIP, 0);
        FloatVector zipHi = FloatVector.fromArray(FS, ZIP, VL);
        FloatVector zero = FloatVector.zero(FS);
        for (int q0 = 0; q0 < ow; q0 += VL) {
            int n = Math.min(VL, ow - q0);
            VectorMask<Float> lo = FloatRuns.lanes(0, 2 * n, VL);
            int hiOff = 2 * n > VL ? VL : 0;
            VectorMask<Float> hi = FloatRuns.lanes(0, 2 * n - hiOff, VL);
            VectorMask<Float> out = FloatRuns.lanes(0, n, VL);
            VectorMask<Byte> outB = out.cast(BS);
            for (int plane = start; plane < end; plane++) {
                int gp = dxOff + plane * hw, yp = dyOff + plane * p, wp = wOff + plane * p;
                for (int r = 0; r < oh; r++) {
                    IntVector code = (IntVector) ByteVector.fromArray(BS, win, wp + r * ow + q0, outB)
                            .convertShape(VectorOperators.B2I, IS, 0);
                    FloatVector d = FloatVector.fromArray(FS, dy, yp + r * ow + q0, out).add(zero);
                    if (positiveOnly) {
                        d = zero.blend(d, code.and(MaxPoolWindowsF32.NOT_POSITIVE).compare(VectorOperators.EQ, 0).cast(FS));
                    }
                    IntVector pos = code.and(3);
                    FloatVector topL = zero.blend(d, pos.compare(VectorOperators.EQ, 0).cast(FS));
                    FloatVector topR = zero.blend(d, pos.compare(VectorOperators.EQ, 1).cast(FS));
                    FloatVector botL = zero.blend(d, pos.compare(VectorOperators.EQ, 2).cast(FS));
                    FloatVector botR = zero.blend(d, pos.compare(VectorOperators.EQ, 3).cast(FS));
                    int ga = gp + 2 * r * w + 2 * q0, gb = ga + w;
                    zipLo.selectFrom(topL, topR).intoArray(dx, ga, lo);
                    zipLo.selectFrom(botL, botR).intoArray(dx, gb, lo);
                    if (hiOff != 0) {
                        zipHi.selectFrom(topL, topR).intoArray(dx, ga + VL, hi);
                        zipHi.selectFrom(botL, botR).intoArray(dx, gb + VL, hi);
                    }
                }
            }
        }
        zeroUncovered(g, dx, dxOff, start, end);
    }

    /**
     * The gradient of planes {@code [start, end)} in one pass, without an argmax: each window's {@code dy} is
     * written at the position of its maximum, chosen from x by {@link #forward}'s rule, and zero at the other
     * three; the input rows and columns no window covers (odd H or W) are zeroed. Windows do not overlap, so
     * this is the scatter-add of the argmax path, bit for bit ({@code dy + 0}: a -0 arrives as the +0 of
     * {@code 0 + dy}). With {@code positiveOnly}, a window whose maximum is not positive passes nothing: the
     * gradient through a ReLU before the pooling, {@code where(x > 0, dx, 0)}. {@code dx} may hold anything before.
     */
    static void backward(Pool2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff,
                         int start, int end, boolean positiveOnly) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        int hw = h * w, p = oh * ow;
        FloatVector even = FloatVector.fromArray(FS, EVEN_ODD, 0);
        FloatVector odd = FloatVector.fromArray(FS, EVEN_ODD, VL);
        FloatVector zipLo = FloatVector.fromArray(FS, ZIP, 0);
        FloatVector zipHi = FloatVector.fromArray(FS, ZIP, VL);
        FloatVector zero = FloatVector.zero(FS);
        for (int q0 = 0; q0 < ow; q0 += VL) {
            int n = Math.min(VL, ow - q0);
            VectorMask<Float> lo = FloatRuns.lanes(0, 2 * n, VL);
            int hiOff = 2 * n > VL ? VL : 0;
            VectorMask<Float> hi = FloatRuns.lanes(0, 2 * n - hiOff, VL);
            VectorMask<Float> out = FloatRuns.lanes(0, n, VL);
            for (int plane = start; plane < end; plane++) {
                int xp = xOff + plane * hw, gp = dxOff + plane * hw, yp = dyOff + plane * p;
                for (int r = 0; r < oh; r++) {
                    int top = 2 * r * w + 2 * q0;
                    int a = xp + top, b = a + w;
                    FloatVector a0 = FloatVector.fromArray(FS, x, a, lo);
                    FloatVector a1 = FloatVector.fromArray(FS, x, a + hiOff, hi);
                    FloatVector b0 = FloatVector.fromArray(FS, x, b, lo);
                    FloatVector b1 = FloatVector.fromArray(FS, x, b + hiOff, hi);
                    // the window's elements in row-major order: top-left, top-right, bottom-left, bottom-right
                    FloatVector m = even.selectFrom(a0, a1);
                    FloatVector v = odd.selectFrom(a0, a1);
                    VectorMask<Float> t1 = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, t1);
                    v = even.selectFrom(b0, b1);
                    VectorMask<Float> t2 = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    m = m.blend(v, t2);
                    v = odd.selectFrom(b0, b1);
                    VectorMask<Float> t3 = v.compare(VectorOperators.GT, m).or(v.test(VectorOperators.IS_NAN));
                    FloatVector d = FloatVector.fromArray(FS, dy, yp + r * ow + q0, out).add(zero);
                    if (positiveOnly) {
                        d = zero.blend(d, m.blend(v, t3).compare(VectorOperators.GT, 0f));
                    }
                    // the last element taken wins
                    VectorMask<Float> bottomRight = t3;
                    VectorMask<Float> bottomLeft = t2.andNot(t3);
                    VectorMask<Float> topRight = t1.andNot(t2.or(t3));
                    FloatVector topL = d.blend(zero, t1.or(t2).or(t3));
                    FloatVector topR = zero.blend(d, topRight);
                    FloatVector botL = zero.blend(d, bottomLeft);
                    FloatVector botR = zero.blend(d, bottomRight);
                    int ga = gp + top, gb = ga + w;
                    zipLo.selectFrom(topL, topR).intoArray(dx, ga, lo);
                    zipLo.selectFrom(botL, botR).intoArray(dx, gb, lo);
                    if (hiOff != 0) {
                        zipHi.selectFrom(topL, topR).intoArray(dx, ga + VL, hi);
                        zipHi.selectFrom(botL, botR).intoArray(dx, gb + VL, hi);
                    }
                }
            }
        }
        zeroUncovered(g, dx, dxOff, start, end);
    }

    /** Zeroes the input rows and columns of planes {@code [start, end)} that no window covers (odd H or W). */
    private static void zeroUncovered(Pool2dGeometry g, float[] dx, int dxOff, int start, int end) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        for (int plane = start; plane < end; plane++) {
            int gp = dxOff + plane * h * w;
            if (w > 2 * ow) {
                for (int r = 0; r < 2 * oh; r++) {
                    java.util.Arrays.fill(dx, gp + r * w + 2 * ow, gp + (r + 1) * w, 0f);
                }
            }
            java.util.Arrays.fill(dx, gp + 2 * oh * w, gp + h * w, 0f);
        }
    }
}

package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs blocks of A and B into the contiguous, zero-padded panel layouts the micro-kernel streams
 * through; the transposed storage orders are absorbed here so the kernel sees a single layout.
 *
 * <p>Packed A ({@code mc x kc} block): panels of {@link Sgemm#MR} rows; panel {@code q} starts at
 * {@code q * MR * kc} and holds, for each depth {@code p}, the MR values {@code A[row0 + i, p]}.
 * Packed B ({@code kc x nc} block): panels of {@link Sgemm#NR} columns; panel {@code q} starts at
 * {@code q * NR * kc} and holds, for each depth {@code p}, the NR values {@code B[p, col0 + j]}.
 * Rows/columns beyond the matrix edge are zero so that edge tiles can run the full kernel.
 */
final class SgemmPacking {
    private static final int MR = Sgemm.MR;
    private static final int NR = Sgemm.NR;
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int VL = S.length();

    /**
     * Two-source permutation indices for the in-register transpose of MR = 8 rows (see
     * {@link #packRowsVector}): per stage, the "lo" and "hi" interleaves of groups of 1, 2, 4 lanes.
     * Null when the vector shape does not suit it (then the scalar transpose is used).
     */
    private static final float[] TRANSPOSE_INDEX;
    /** Where, relative to the panel position of the first depth step, each transposed vector goes. */
    private static final int[] TRANSPOSE_STORE;

    static {
        float[] index = null;
        int[] store = null;
        if (MR == 8 && VL % MR == 0) {
            index = transposeIndex(VL);
            store = transposeStores(index, VL);
        }
        TRANSPOSE_INDEX = store == null ? null : index;
        TRANSPOSE_STORE = store;
    }

    /** The permutation indices of {@link #packRowsVector}'s network for vectors of {@code vl} lanes. */
    private static float[] transposeIndex(int vl) {
        float[] index = new float[6 * vl];
        for (int stage = 0; stage < 3; stage++) {
            int g = 1 << stage;
            for (int half = 0; half < 2; half++) {
                for (int j = 0; j < vl; j++) {
                    int t = j / (2 * g) + half * (vl / (2 * g));
                    int w = j % (2 * g);
                    index[(2 * stage + half) * vl + j] = w < g ? t * g + w : vl + t * g + w - g;
                }
            }
        }
        return index;
    }

    private SgemmPacking() {
    }

    /**
     * Runs the permutation network of {@link #packRowsVector} on labels (row * VL + depth) and returns
     * each output vector's offset in the packed panel, or null if an output is not a run of whole
     * depth steps (which would mean the network is wrong for this vector length).
     */
    private static int[] transposeStores(float[] index, int vl) {
        final int VL = vl; // the network's lane count, shadowing the species' here
        int[][] v = new int[MR][VL];
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < VL; j++) {
                v[r][j] = r * VL + j;
            }
        }
        for (int stage = 0; stage < 3; stage++) {
            int[][] w = new int[MR][];
            for (int q = 0; q < MR / 2; q++) {
                for (int half = 0; half < 2; half++) {
                    int[] out = new int[VL];
                    for (int j = 0; j < VL; j++) {
                        int ix = (int) index[(2 * stage + half) * VL + j];
                        out[j] = ix < VL ? v[2 * q][ix] : v[2 * q + 1][ix - VL];
                    }
                    w[q + half * MR / 2] = out;
                }
            }
            v = w;
        }
        int[] store = new int[MR];
        for (int o = 0; o < MR; o++) {
            int p0 = v[o][0] % VL;
            for (int j = 0; j < VL; j++) {
                // Lane j must hold row j % MR at depth p0 + j / MR.
                if (v[o][j] != (j % MR) * VL + p0 + j / MR) {
                    return null;
                }
            }
            store[o] = p0 * MR;
        }
        return store;
    }

    /** Packs {@code A[ic:ic+mc, pc:pc+kc]} into {@code ap}. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap) {
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            int dst = ip * kc;
            if (!transA) {
                // A[r, c] = a[aOff + r * lda + c]: a transpose. Walk the depth once, gathering one value
                // from each of the MR rows, so the writes are sequential.
                int src = aOff + (ic + ip) * lda + pc;
                if (mr == MR) {
                    int p = TRANSPOSE_INDEX == null ? 0 : packRowsVector(a, src, lda, kc, ap, dst);
                    packRowsFull(a, src + p, lda, kc - p, ap, dst + p * MR);
                } else {
                    for (int p = 0; p < kc; p++) {
                        int d = dst + p * MR;
                        for (int i = 0; i < mr; i++) {
                            ap[d + i] = a[src + i * lda + p];
                        }
                        for (int i = mr; i < MR; i++) {
                            ap[d + i] = 0f;
                        }
                    }
                }
            } else {
                // A[r, c] = a[aOff + c * lda + r]: each depth step is a contiguous run of mr values.
                int src = aOff + pc * lda + ic + ip;
                if (mr == MR) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * MR;
                        // A fixed-count loop (unrolled by C2) beats System.arraycopy for 8 elements.
                        for (int i = 0; i < MR; i++) {
                            ap[d + i] = a[s + i];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * MR;
                        for (int i = 0; i < mr; i++) {
                            ap[d + i] = a[s + i];
                        }
                        for (int i = mr; i < MR; i++) {
                            ap[d + i] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Transposes MR = 8 full rows, VL depth steps at a time, in registers: 8 row loads, three stages
     * of 8 two-source lane permutations (interleaving groups of 1, 2, then 4 lanes), 8 stores; about
     * 5x faster than the scalar gather. Returns how many depth steps it packed (a multiple of VL).
     */
    private static int packRowsVector(float[] a, int src, int lda, int kc, float[] ap, int dst) {
        return packRows(a, src, src + lda, src + 2 * lda, src + 3 * lda, src + 4 * lda, src + 5 * lda, src + 6 * lda,
                src + 7 * lda, kc, ap, dst);
    }

    /** Whether {@link #packRows} can run: the vector shape suits its transpose. */
    static boolean packsRows() {
        return TRANSPOSE_INDEX != null;
    }

    /**
     * {@link #packRowsVector} for eight rows that start anywhere in {@code a}: row i at {@code s_i} (an im2col
     * matrix's rows, read where they lie in the input, {@link Im2ColPackA}). Requires {@link #packsRows()}.
     */
    static int packRows(float[] a, int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7, int kc,
                        float[] ap, int dst) {
        float[] ix = TRANSPOSE_INDEX;
        int[] st = TRANSPOSE_STORE;
        FloatVector lo1 = FloatVector.fromArray(S, ix, 0);
        FloatVector hi1 = FloatVector.fromArray(S, ix, VL);
        FloatVector lo2 = FloatVector.fromArray(S, ix, 2 * VL);
        FloatVector hi2 = FloatVector.fromArray(S, ix, 3 * VL);
        FloatVector lo4 = FloatVector.fromArray(S, ix, 4 * VL);
        FloatVector hi4 = FloatVector.fromArray(S, ix, 5 * VL);
        int p = 0;
        for (; p + VL <= kc; p += VL) {
            FloatVector r0 = FloatVector.fromArray(S, a, s0 + p);
            FloatVector r1 = FloatVector.fromArray(S, a, s1 + p);
            FloatVector r2 = FloatVector.fromArray(S, a, s2 + p);
            FloatVector r3 = FloatVector.fromArray(S, a, s3 + p);
            FloatVector r4 = FloatVector.fromArray(S, a, s4 + p);
            FloatVector r5 = FloatVector.fromArray(S, a, s5 + p);
            FloatVector r6 = FloatVector.fromArray(S, a, s6 + p);
            FloatVector r7 = FloatVector.fromArray(S, a, s7 + p);
            FloatVector a0 = lo1.selectFrom(r0, r1);
            FloatVector a1 = lo1.selectFrom(r2, r3);
            FloatVector a2 = lo1.selectFrom(r4, r5);
            FloatVector a3 = lo1.selectFrom(r6, r7);
            FloatVector a4 = hi1.selectFrom(r0, r1);
            FloatVector a5 = hi1.selectFrom(r2, r3);
            FloatVector a6 = hi1.selectFrom(r4, r5);
            FloatVector a7 = hi1.selectFrom(r6, r7);
            FloatVector b0 = lo2.selectFrom(a0, a1);
            FloatVector b1 = lo2.selectFrom(a2, a3);
            FloatVector b2 = lo2.selectFrom(a4, a5);
            FloatVector b3 = lo2.selectFrom(a6, a7);
            FloatVector b4 = hi2.selectFrom(a0, a1);
            FloatVector b5 = hi2.selectFrom(a2, a3);
            FloatVector b6 = hi2.selectFrom(a4, a5);
            FloatVector b7 = hi2.selectFrom(a6, a7);
            int d = dst + p * MR;
            lo4.selectFrom(b0, b1).intoArray(ap, d + st[0]);
            lo4.selectFrom(b2, b3).intoArray(ap, d + st[1]);
            lo4.selectFrom(b4, b5).intoArray(ap, d + st[2]);
            lo4.selectFrom(b6, b7).intoArray(ap, d + st[3]);
            hi4.selectFrom(b0, b1).intoArray(ap, d + st[4]);
            hi4.selectFrom(b2, b3).intoArray(ap, d + st[5]);
            hi4.selectFrom(b4, b5).intoArray(ap, d + st[6]);
            hi4.selectFrom(b6, b7).intoArray(ap, d + st[7]);
        }
        return p;
    }

    /**
     * Packs a full NR-wide panel of a B stored transposed ({@code B[p, j] = b[src + j * ldb + p]}, the weight
     * of {@code x W^T}) into {@code bp[dst + p * NR + j]}, VL depth steps of MR = 8 columns at a time
     * ({@link #transposeColumns}); the scalar gather scatters every value to its own cache line. Only moves
     * values: the packed panel is the same as the scalar loop's, so products are bit for bit the same.
     * Returns false (nothing packed) unless the vector length is 8 or 16.
     *
     * <p>All packers use the one preferred species: an 8-lane transposer beside the 16-lane kernel made C2
     * compile the GEMM's Vector API calls as slow non-intrinsic calls in some runs, and the GEMM ran 7x
     * slower (issue 14).
     */
    private static boolean packTransposedPanel(float[] b, int src, int ldb, int kc, float[] bp, int dst) {
        if (TRANSPOSE_INDEX == null || (VL != 8 && VL != 16)) {
            return false;
        }
        int p = 0;
        for (; p + VL <= kc; p += VL) {
            for (int g = 0; g < NR; g += MR) {
                transposeColumns(b, src + g * ldb + p, ldb, bp, dst + p * NR + g);
            }
        }
        for (; p < kc; p++) {
            for (int j = 0; j < NR; j++) {
                bp[dst + p * NR + j] = b[src + j * ldb + p];
            }
        }
        return true;
    }

    /**
     * Eight stored rows of VL values from {@code s} (row stride {@code ld}: eight columns of B over VL depth
     * steps) into the panel from {@code d} (depth stride NR): 8 loads, the permutation network of
     * {@link #packRowsVector}, whose output o holds in lane j column {@code j % 8} at depth
     * {@code TRANSPOSE_STORE[o] / 8 + j / 8}, then each output's runs of 8 lanes stored at their depths
     * (with 16 lanes, two masked stores). Named locals, no arrays of vectors: C2 boxes those.
     */
    private static void transposeColumns(float[] a, int s, int ld, float[] bp, int d) {
        // Two halves, each loading the eight rows again (from L1): in one method, C1 ran out of registers in some
        // runs ("out of virtual registers in linear scan"), the method stayed at its tier-2 code, never reached C2,
        // and ran the Vector API boxed (a 3x slower weight gradient, 15 MB allocated a call).
        transposeHalf(a, s, ld, bp, d, 0);
        transposeHalf(a, s, ld, bp, d, 1);
    }

    /**
     * Half {@code h} of {@link #transposeColumns}: the outputs {@code h, h + 2, h + 4, h + 6} of the permutation
     * network, those whose first stage takes the {@code lo1} (h = 0) or {@code hi1} (h = 1) lanes of each pair of rows.
     */
    private static void transposeHalf(float[] a, int s, int ld, float[] bp, int d, int h) {
        float[] ix = TRANSPOSE_INDEX;
        int[] st = TRANSPOSE_STORE;
        FloatVector first = FloatVector.fromArray(S, ix, h * VL);
        FloatVector lo2 = FloatVector.fromArray(S, ix, 2 * VL);
        FloatVector hi2 = FloatVector.fromArray(S, ix, 3 * VL);
        FloatVector lo4 = FloatVector.fromArray(S, ix, 4 * VL);
        FloatVector hi4 = FloatVector.fromArray(S, ix, 5 * VL);
        FloatVector a0 = first.selectFrom(FloatVector.fromArray(S, a, s), FloatVector.fromArray(S, a, s + ld));
        FloatVector a1 = first.selectFrom(FloatVector.fromArray(S, a, s + 2 * ld), FloatVector.fromArray(S, a, s + 3 * ld));
        FloatVector a2 = first.selectFrom(FloatVector.fromArray(S, a, s + 4 * ld), FloatVector.fromArray(S, a, s + 5 * ld));
        FloatVector a3 = first.selectFrom(FloatVector.fromArray(S, a, s + 6 * ld), FloatVector.fromArray(S, a, s + 7 * ld));
        FloatVector c0 = lo2.selectFrom(a0, a1);
        FloatVector c1 = lo2.selectFrom(a2, a3);
        FloatVector c4 = hi2.selectFrom(a0, a1);
        FloatVector c5 = hi2.selectFrom(a2, a3);
        FloatVector o0 = lo4.selectFrom(c0, c1);
        FloatVector o4 = hi4.selectFrom(c0, c1);
        FloatVector o2 = lo4.selectFrom(c4, c5);
        FloatVector o6 = hi4.selectFrom(c4, c5);
        int step = NR / MR; // st[o] = depth * MR; the panel's depth stride is NR
        int d0 = d + st[h] * step, d4 = d + st[4 + h] * step, d2 = d + st[2 + h] * step, d6 = d + st[6 + h] * step;
        if (VL == 8) {
            o0.intoArray(bp, d0);
            o4.intoArray(bp, d4);
            o2.intoArray(bp, d2);
            o6.intoArray(bp, d6);
        } else {
            // Lanes 8..15 hold the next depth step: stored from NR - 8 further on, so they land NR on.
            VectorMask<Float> low = VectorMask.fromLong(S, 0xFFL);
            VectorMask<Float> high = VectorMask.fromLong(S, 0xFF00L);
            int next = NR - MR;
            o0.intoArray(bp, d0, low);
            o0.intoArray(bp, d0 + next, high);
            o4.intoArray(bp, d4, low);
            o4.intoArray(bp, d4 + next, high);
            o2.intoArray(bp, d2, low);
            o2.intoArray(bp, d2 + next, high);
            o6.intoArray(bp, d6, low);
            o6.intoArray(bp, d6 + next, high);
        }
    }


    /** Transposes MR full rows of length kc (row stride lda, from src) into a packed A panel at dst. */
    private static void packRowsFull(float[] a, int src, int lda, int kc, float[] ap, int dst) {
        for (int p = 0; p < kc; p++) {
            int d = dst + p * MR;
            int s = src + p;
            for (int i = 0; i < MR; i++) {
                ap[d + i] = a[s + i * lda];
            }
        }
    }

    /** Packs {@code B[pc:pc+kc, jc:jc+nc]} into {@code bp}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp) {
        packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp, 0);
    }

    /** Packs {@code B[pc:pc+kc, jc:jc+nc]} into {@code bp} starting at {@code bpOff}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp,
                      int bpOff) {
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            int dst = bpOff + jp * kc;
            if (!transB) {
                // B[r, c] = b[bOff + r * ldb + c]: each depth step is a contiguous run of nr values.
                int src = bOff + pc * ldb + jc + jp;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = dst + p * NR;
                        for (int j = 0; j < NR; j += VL) {
                            FloatVector.fromArray(S, b, s + j).intoArray(bp, d + j);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = dst + p * NR;
                        System.arraycopy(b, s, bp, d, nr);
                        for (int j = nr; j < NR; j++) {
                            bp[d + j] = 0f;
                        }
                    }
                }
            } else if (nr != NR || !packTransposedPanel(b, bOff + (jc + jp) * ldb + pc, ldb, kc, bp, dst)) {
                // B[r, c] = b[bOff + c * ldb + r]: read each column along the depth, scatter with stride NR.
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jp + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code dst[c*rows + r] = src[off + r*ld + c]} for {@code r < rows}, {@code c < cols}: a matrix stored as
     * {@code rows} rows of stride {@code ld} copied transposed, row-major {@code [cols, rows]}, into {@code dst}
     * (returned). Eight stored rows at a time: eight sequential reads, one run of eight writes per column.
     */
    static float[] transpose(int rows, int cols, float[] src, int off, int ld, float[] dst) {
        int r = 0;
        for (; r + 8 <= rows; r += 8) {
            int s = off + r * ld;
            for (int c = 0, d = r; c < cols; c++, d += rows) {
                dst[d] = src[s + c];
                dst[d + 1] = src[s + ld + c];
                dst[d + 2] = src[s + 2 * ld + c];
                dst[d + 3] = src[s + 3 * ld + c];
                dst[d + 4] = src[s + 4 * ld + c];
                dst[d + 5] = src[s + 5 * ld + c];
                dst[d + 6] = src[s + 6 * ld + c];
                dst[d + 7] = src[s + 7 * ld + c];
            }
        }
        for (; r < rows; r++) {
            int s = off + r * ld;
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[s + c];
            }
        }
        return dst;
    }
}

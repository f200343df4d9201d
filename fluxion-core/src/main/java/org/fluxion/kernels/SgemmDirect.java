package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 products of a small network's layers ({@code [64, 50] x [50, 50]}, a neural ODE's field and its
 * VJP), where packing A and B costs as much as the multiply-adds: B's rows are loaded straight into vectors
 * (a transposed B is first copied row-major, {@code k*n} values), A's entries are broadcast from where they
 * lie, whatever its layout. The B vectors of a column block are first copied into a panel of {@code k} rows of
 * four vectors: the loop then reads B at constant offsets from an index that is p times a constant, so C2 checks
 * its bounds once before the loop and keeps four fewer indices live ({@code [64, 50] x [50, 50]} through
 * {@link Gemm}: 3.3 against 2.8 us). Four rows of C at a time, each row up to four vectors wide, summed over the depth
 * in order of p from zero and then added to the old C: the order of the packed kernel for a depth of at most
 * {@link Sgemm#KC}, so the two give the same bits.
 *
 * <p>The last vector of a row is shifted back to end at column n instead of being masked (masked loads and
 * stores cost several times a plain one here); the columns it shares with the vector before it get the same
 * sum from both, and every old C a tile adds to is loaded before the tile stores. So C must be at least one
 * vector wide ({@link #MIN_N}). Same contract as {@link Gemm#sgemm}; single-threaded.
 */
final class SgemmDirect {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** The narrowest C this kernel works on: one vector. */
    static final int MIN_N = VL;
    /**
     * The narrowest C {@link Gemm} gives it: more than two vectors. At most two vectors wide, a tile holds eight
     * accumulators, too few to hide the multiply-adds' latency, and the packed kernel's 8 x 2 tile is faster
     * ({@code [256, 32] x [32, 32]}: 5.6 against 4.6 us).
     */
    static final int MIN_N_CHOSEN = 2 * VL + 1;
    /** The deepest product: one depth block of the packed kernel, whose bits this kernel reproduces. */
    static final int MAX_K = Sgemm.KC;
    /** Columns of C per tile: four vectors. */
    private static final int TILE_N = 4 * VL;
    /** Rows of C per tile. */
    private static final int TILE_M = 4;

    private SgemmDirect() {
    }

    /** Whether {@link Gemm} should give it a product of these sizes ({@code n >= MIN_N_CHOSEN}, {@code k <= MAX_K}). */
    static boolean takes(int n, int k) {
        return n >= MIN_N_CHOSEN && k <= MAX_K;
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
    }

    /**
     * {@code C = bias + A·B} when {@code bias} is not null (the row {@code bias[biasOff .. biasOff + n)} added to every
     * row, after the sum: the bits of C filled with the bias rows and accumulated into), else as {@link Gemm#sgemm}.
     * A bias and {@code accumulate} together are refused.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] bias, int biasOff, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        if (n < MIN_N || k > MAX_K || m < 1 || k < 1) {
            throw new IllegalArgumentException("SgemmDirect: needs m, k >= 1, n >= " + MIN_N + " and k <= " + MAX_K
                    + ", got m=" + m + " n=" + n + " k=" + k);
        }
        KernelChecks.range("sgemm", "a", a.length, aOff, transA ? (k - 1) * lda + m : (m - 1) * lda + k);
        KernelChecks.range("sgemm", "b", b.length, bOff, transB ? (n - 1) * ldb + k : (k - 1) * ldb + n);
        KernelChecks.range("sgemm", "c", c.length, cOff, (m - 1) * ldc + n);
        if (bias != null) {
            if (accumulate) {
                throw new IllegalArgumentException("SgemmDirect: a bias is added to a new C, not accumulated into one");
            }
            KernelChecks.range("sgemm", "bias", bias.length, biasOff, n);
        }
        if (transB) {
            b = rowsOfB(n, k, b, bOff, ldb);
            bOff = 0;
            ldb = n;
        }
        // A(i, p) = a[aOff + i*ai + p*ap]
        int ai = transA ? 1 : lda;
        int ap = transA ? lda : 1;
        float[] panel = TRANSPOSES.get().panel(k * TILE_N);
        int j = 0;
        while (n - j > TILE_N) {
            // Leave at least one vector for the last tile (its vectors shift back only within itself).
            int width = n - j - TILE_N >= VL ? TILE_N : 2 * VL;
            columns(m, k, j, j + width, a, aOff, ai, ap, b, bOff, ldb, bias, biasOff, c, cOff, ldc, accumulate, panel);
            j += width;
        }
        columns(m, k, j, n, a, aOff, ai, ap, b, bOff, ldb, bias, biasOff, c, cOff, ldc, accumulate, panel);
    }

    /** Columns {@code [j0, j1)} of C ({@code VL <= j1 - j0 <= TILE_N}), every row. */
    private static void columns(int m, int k, int j0, int j1, float[] a, int aOff, int ai, int ap,
                                float[] b, int bOff, int ldb, float[] bias, int biasOff, float[] c, int cOff,
                                int ldc, boolean accumulate, float[] panel) {
        // The rows each tile adds its sums to: the old C, or the bias row for every row (stride 0).
        boolean add = accumulate || bias != null;
        float[] base = bias != null ? bias : c;
        int baseLd = bias != null ? 0 : ldc;
        // Vector v starts at min(j0 + v*VL, j1 - VL): whole vectors, the last ones shifted back to end at j1.
        int last = j1 - VL;
        int o0 = j0;
        int o1 = Math.min(j0 + VL, last);
        int o2 = Math.min(j0 + 2 * VL, last);
        int o3 = Math.min(j0 + 3 * VL, last);
        boolean wide = j1 - j0 > 2 * VL;
        pack(k, b, bOff, ldb, panel, o0, o1, o2, o3);
        int i = 0;
        for (; i + TILE_M <= m; i += TILE_M) {
            int a0 = aOff + i * ai;
            int c0 = cOff + i * ldc;
            int base0 = bias != null ? biasOff : c0;
            if (wide) {
                fourRows(k, a, a0, ai, ap, panel, o0, o1, o2, o3, c, c0, ldc, add, base, base0, baseLd);
            } else {
                fourRowsHalf(k, a, a0, ai, ap, panel, o0, o1, c, c0, ldc, add, base, base0, baseLd);
            }
        }
        for (; i < m; i++) {
            oneRow(k, a, aOff + i * ai, ap, panel, o0, o1, o2, o3, c, cOff + i * ldc, add, base,
                    bias != null ? biasOff : cOff + i * ldc);
        }
    }

    /**
     * {@code panel[p*4VL + v*VL + l] = B(p, o_v + l)}: the four vectors of each row of B a block reads (a narrow
     * block's last two repeat its second).
     */
    private static void pack(int k, float[] b, int bOff, int ldb, float[] panel, int o0, int o1, int o2, int o3) {
        for (int p = 0, q = 0; p < k; p++, q += TILE_N) {
            int row = bOff + p * ldb;
            FloatVector.fromArray(S, b, row + o0).intoArray(panel, q);
            FloatVector.fromArray(S, b, row + o1).intoArray(panel, q + VL);
            FloatVector.fromArray(S, b, row + o2).intoArray(panel, q + 2 * VL);
            FloatVector.fromArray(S, b, row + o3).intoArray(panel, q + 3 * VL);
        }
    }

    /**
     * Four rows of C, four vectors each, at column offsets {@code o0..o3}; B's vectors from the panel. With
     * {@code add}, row r adds {@code base[base0 + r*baseLd + o]} (the old C, or the bias row with baseLd 0).
     */
    private static void fourRows(int k, float[] a, int a0, int ai, int ap, float[] panel,
                                 int o0, int o1, int o2, int o3, float[] c, int c0, int ldc, boolean add,
                                 float[] base, int base0, int baseLd) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S), s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S), s13 = FloatVector.zero(S), s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S), s22 = FloatVector.zero(S), s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        // A's indices advance by a step per p instead of being recomputed as base + p * stride (8% faster here);
        // the panel's are p times a constant (see the class comment).
        int q0 = a0, q1 = a0 + ai, q2 = a0 + 2 * ai, q3 = a0 + 3 * ai;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, panel, p * TILE_N);
            FloatVector b1 = FloatVector.fromArray(S, panel, p * TILE_N + VL);
            FloatVector b2 = FloatVector.fromArray(S, panel, p * TILE_N + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, panel, p * TILE_N + 3 * VL);
            FloatVector x = FloatVector.broadcast(S, a[q0]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            s02 = b2.fma(x, s02);
            s03 = b3.fma(x, s03);
            x = FloatVector.broadcast(S, a[q1]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            s12 = b2.fma(x, s12);
            s13 = b3.fma(x, s13);
            x = FloatVector.broadcast(S, a[q2]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            s22 = b2.fma(x, s22);
            s23 = b3.fma(x, s23);
            x = FloatVector.broadcast(S, a[q3]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            s32 = b2.fma(x, s32);
            s33 = b3.fma(x, s33);
            q0 += ap;
            q1 += ap;
            q2 += ap;
            q3 += ap;
        }
        // Stored by each path (a vector merged from two paths would be boxed by C2). Every base value of a
        // row (old C or bias) is loaded before the row is stored: its vectors may overlap.
        if (add) {
            FloatVector t00 = s00.add(FloatVector.fromArray(S, base, base0 + o0));
            FloatVector t01 = s01.add(FloatVector.fromArray(S, base, base0 + o1));
            FloatVector t02 = s02.add(FloatVector.fromArray(S, base, base0 + o2));
            FloatVector t03 = s03.add(FloatVector.fromArray(S, base, base0 + o3));
            t00.intoArray(c, c0 + o0);
            t01.intoArray(c, c0 + o1);
            t02.intoArray(c, c0 + o2);
            t03.intoArray(c, c0 + o3);
            FloatVector t10 = s10.add(FloatVector.fromArray(S, base, base0 + baseLd + o0));
            FloatVector t11 = s11.add(FloatVector.fromArray(S, base, base0 + baseLd + o1));
            FloatVector t12 = s12.add(FloatVector.fromArray(S, base, base0 + baseLd + o2));
            FloatVector t13 = s13.add(FloatVector.fromArray(S, base, base0 + baseLd + o3));
            t10.intoArray(c, c0 + ldc + o0);
            t11.intoArray(c, c0 + ldc + o1);
            t12.intoArray(c, c0 + ldc + o2);
            t13.intoArray(c, c0 + ldc + o3);
            FloatVector t20 = s20.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o0));
            FloatVector t21 = s21.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o1));
            FloatVector t22 = s22.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o2));
            FloatVector t23 = s23.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o3));
            t20.intoArray(c, c0 + 2 * ldc + o0);
            t21.intoArray(c, c0 + 2 * ldc + o1);
            t22.intoArray(c, c0 + 2 * ldc + o2);
            t23.intoArray(c, c0 + 2 * ldc + o3);
            FloatVector t30 = s30.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o0));
            FloatVector t31 = s31.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o1));
            FloatVector t32 = s32.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o2));
            FloatVector t33 = s33.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o3));
            t30.intoArray(c, c0 + 3 * ldc + o0);
            t31.intoArray(c, c0 + 3 * ldc + o1);
            t32.intoArray(c, c0 + 3 * ldc + o2);
            t33.intoArray(c, c0 + 3 * ldc + o3);
        } else {
            s00.intoArray(c, c0 + o0);
            s01.intoArray(c, c0 + o1);
            s02.intoArray(c, c0 + o2);
            s03.intoArray(c, c0 + o3);
            s10.intoArray(c, c0 + ldc + o0);
            s11.intoArray(c, c0 + ldc + o1);
            s12.intoArray(c, c0 + ldc + o2);
            s13.intoArray(c, c0 + ldc + o3);
            s20.intoArray(c, c0 + 2 * ldc + o0);
            s21.intoArray(c, c0 + 2 * ldc + o1);
            s22.intoArray(c, c0 + 2 * ldc + o2);
            s23.intoArray(c, c0 + 2 * ldc + o3);
            s30.intoArray(c, c0 + 3 * ldc + o0);
            s31.intoArray(c, c0 + 3 * ldc + o1);
            s32.intoArray(c, c0 + 3 * ldc + o2);
            s33.intoArray(c, c0 + 3 * ldc + o3);
        }
    }

    /** {@link #fourRows} two vectors wide, at column offsets {@code o0, o1}. */
    private static void fourRowsHalf(int k, float[] a, int a0, int ai, int ap, float[] panel,
                                     int o0, int o1, float[] c, int c0, int ldc, boolean add,
                                     float[] base, int base0, int baseLd) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        int q0 = a0, q1 = a0 + ai, q2 = a0 + 2 * ai, q3 = a0 + 3 * ai;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, panel, p * TILE_N);
            FloatVector b1 = FloatVector.fromArray(S, panel, p * TILE_N + VL);
            FloatVector x = FloatVector.broadcast(S, a[q0]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(S, a[q1]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(S, a[q2]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(S, a[q3]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            q0 += ap;
            q1 += ap;
            q2 += ap;
            q3 += ap;
        }
        // Stored by each path (a vector merged from two paths would be boxed by C2). Every base value of a
        // row (old C or bias) is loaded before the row is stored: its vectors may overlap.
        if (add) {
            FloatVector t00 = s00.add(FloatVector.fromArray(S, base, base0 + o0));
            FloatVector t01 = s01.add(FloatVector.fromArray(S, base, base0 + o1));
            t00.intoArray(c, c0 + o0);
            t01.intoArray(c, c0 + o1);
            FloatVector t10 = s10.add(FloatVector.fromArray(S, base, base0 + baseLd + o0));
            FloatVector t11 = s11.add(FloatVector.fromArray(S, base, base0 + baseLd + o1));
            t10.intoArray(c, c0 + ldc + o0);
            t11.intoArray(c, c0 + ldc + o1);
            FloatVector t20 = s20.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o0));
            FloatVector t21 = s21.add(FloatVector.fromArray(S, base, base0 + 2 * baseLd + o1));
            t20.intoArray(c, c0 + 2 * ldc + o0);
            t21.intoArray(c, c0 + 2 * ldc + o1);
            FloatVector t30 = s30.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o0));
            FloatVector t31 = s31.add(FloatVector.fromArray(S, base, base0 + 3 * baseLd + o1));
            t30.intoArray(c, c0 + 3 * ldc + o0);
            t31.intoArray(c, c0 + 3 * ldc + o1);
        } else {
            s00.intoArray(c, c0 + o0);
            s01.intoArray(c, c0 + o1);
            s10.intoArray(c, c0 + ldc + o0);
            s11.intoArray(c, c0 + ldc + o1);
            s20.intoArray(c, c0 + 2 * ldc + o0);
            s21.intoArray(c, c0 + 2 * ldc + o1);
            s30.intoArray(c, c0 + 3 * ldc + o0);
            s31.intoArray(c, c0 + 3 * ldc + o1);
        }
    }

    /** One row of C (the rows past the last whole tile), four vectors at {@code o0..o3}; base as {@link #fourRows}. */
    private static void oneRow(int k, float[] a, int a0, int ap, float[] panel,
                               int o0, int o1, int o2, int o3, float[] c, int c0, boolean add,
                               float[] base, int base0) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            int bp = p * TILE_N;
            FloatVector x = FloatVector.broadcast(S, a[a0 + p * ap]);
            s0 = FloatVector.fromArray(S, panel, bp).fma(x, s0);
            s1 = FloatVector.fromArray(S, panel, bp + VL).fma(x, s1);
            s2 = FloatVector.fromArray(S, panel, bp + 2 * VL).fma(x, s2);
            s3 = FloatVector.fromArray(S, panel, bp + 3 * VL).fma(x, s3);
        }
        // Stored by each path (a vector merged from two paths would be boxed by C2). Every base value of a
        // row (old C or bias) is loaded before the row is stored: its vectors may overlap.
        if (add) {
            FloatVector t00 = s0.add(FloatVector.fromArray(S, base, base0 + o0));
            FloatVector t01 = s1.add(FloatVector.fromArray(S, base, base0 + o1));
            FloatVector t02 = s2.add(FloatVector.fromArray(S, base, base0 + o2));
            FloatVector t03 = s3.add(FloatVector.fromArray(S, base, base0 + o3));
            t00.intoArray(c, c0 + o0);
            t01.intoArray(c, c0 + o1);
            t02.intoArray(c, c0 + o2);
            t03.intoArray(c, c0 + o3);
        } else {
            s0.intoArray(c, c0 + o0);
            s1.intoArray(c, c0 + o1);
            s2.intoArray(c, c0 + o2);
            s3.intoArray(c, c0 + o3);
        }
    }

    /**
     * {@code B[p, j] = b[bOff + j*ldb + p]} row-major ({@code [k, n]}): this thread's copy when B as stored is the
     * same, value for value, as one it copied lately (a layer's weight, the same on every call of a solver's
     * stages), else a new copy. The check is a comparison of B with the kept original, a fraction of the copy's
     * cost (its writes are strided); nothing is trusted that is not compared.
     */
    private static float[] rowsOfB(int n, int k, float[] b, int bOff, int ldb) {
        TransposeCache cache = TRANSPOSES.get();
        return n * k > TransposeCache.MAX_SIZE ? SgemmPacking.transpose(n, k, b, bOff, ldb, cache.scratch(n * k))
                : cache.rows(n, k, b, bOff, ldb);
    }

    /** The last few transposed B of one thread, each with the original it was made from. */
    private static final class TransposeCache {
        /** The largest B kept (64 KiB of floats); larger ones are copied on every call. */
        static final int MAX_SIZE = 1 << 14;
        private static final int ENTRIES = 4;
        private final float[][] originals = new float[ENTRIES][];
        private final float[][] transposed = new float[ENTRIES][];
        private final int[] shapes = new int[2 * ENTRIES];
        private int next;
        /** Calls since the last hit. */
        private int misses;
        private float[] scratch = new float[0];
        private float[] panel = new float[0];

        /** {@link SgemmDirect}'s B panel, at least {@code size} floats, reused by the next call. */
        float[] panel(int size) {
            if (panel.length < size) {
                panel = new float[size];
            }
            return panel;
        }

        /** A buffer of at least {@code size} floats for a B too large to keep, reused by the next call. */
        float[] scratch(int size) {
            if (scratch.length < size) {
                scratch = new float[size];
            }
            return scratch;
        }

        float[] rows(int n, int k, float[] b, int bOff, int ldb) {
            for (int e = 0; e < ENTRIES; e++) {
                if (originals[e] != null && shapes[2 * e] == n && shapes[2 * e + 1] == k
                        && same(n, k, b, bOff, ldb, originals[e])) {
                    misses = 0;
                    return transposed[e];
                }
            }
            // A new B on every call (attention's keys, head after head): keeping each is a second copy for nothing,
            // so after a run of misses B is only transposed, and one call in 64 is kept again to see a repeat.
            misses = (misses + 1) & 0x3fffffff; // wraps, never negative
            if (misses > 2 * ENTRIES && (misses & 63) != 0) {
                return SgemmPacking.transpose(n, k, b, bOff, ldb, scratch(n * k));
            }
            int e = next;
            next = (next + 1) % ENTRIES;
            if (originals[e] == null || originals[e].length != n * k) {
                originals[e] = new float[n * k];
                transposed[e] = new float[n * k];
            }
            for (int j = 0; j < n; j++) {
                System.arraycopy(b, bOff + j * ldb, originals[e], j * k, k);
            }
            shapes[2 * e] = n;
            shapes[2 * e + 1] = k;
            return SgemmPacking.transpose(n, k, b, bOff, ldb, transposed[e]);
        }

        /** Whether B's n rows of k (stride ldb) hold the values of {@code original} ({@code Float.floatToIntBits}). */
        private static boolean same(int n, int k, float[] b, int bOff, int ldb, float[] original) {
            if (ldb == k) {
                return java.util.Arrays.equals(b, bOff, bOff + n * k, original, 0, n * k);
            }
            for (int j = 0; j < n; j++) {
                if (!java.util.Arrays.equals(b, bOff + j * ldb, bOff + j * ldb + k, original, j * k, j * k + k)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final ThreadLocal<TransposeCache> TRANSPOSES = ThreadLocal.withInitial(TransposeCache::new);

}

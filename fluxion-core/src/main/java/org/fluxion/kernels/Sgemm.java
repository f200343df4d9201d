package org.fluxion.kernels;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serial, cache-blocked float32 GEMM driver (GotoBLAS/BLIS loop nest) behind {@link Gemm#sgemm}.
 *
 * <p>Computes {@code C[m, n] (+)= A[m, k] · B[k, n]} on row-major arrays, A and B optionally stored
 * transposed. Loop nest, outermost first:
 * <pre>
 *   jc: columns of C in blocks of NC      (B block kc x nc lives in L3/L2)
 *     pc: depth in blocks of KC           (pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels)
 *       ic: rows of C in blocks of MC     (pack A[ic:ic+mc, pc:pc+kc] into MR-tall panels, stays in L2)
 *         jr: NR-wide panel of B          (kc x NR panel stays in L1 across the ir loop)
 *           ir: MR-tall panel of A        (micro-kernel: MR x NR tile of C in registers)
 * </pre>
 * {@link #gemm} runs it on the calling thread. {@link #gemmRowsParallel} packs each B block once,
 * shared, and lets the threads claim row chunks of C (packing their own A) until none are left, so a
 * thread slowed by other load on the machine simply takes fewer chunks.
 */
final class Sgemm {
    static final int MR = SgemmMicroKernel.MR;
    static final int NR = SgemmMicroKernel.NR;
    /** Depth of a block: a kc x NR panel of B (KC * NR * 4 bytes = 32 KiB) should stay in the 48 KiB L1. */
    static final int KC = 256;
    /** Rows of a packed A block: MC * KC * 4 bytes (~ 0.25 MiB) leaves room in the 2 MiB L2 for B traffic. */
    static final int MC = 240;
    /** Columns of a packed B block; the L3 here is large, so this mostly bounds the buffer size. */
    static final int NC = 4096;

    /** Per-thread packing buffers, grown on demand and kept for the next call. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    /** Packing work (elements, weighted) below which a shared B block is packed by the caller alone. */
    private static final long PARALLEL_PACK_MIN = 1L << 18;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Sgemm() {
    }

    /**
     * Packs the block {@code B[pc:pc+kc, jc:jc+nc]} of a B that need not exist as a matrix into
     * {@code bp} from {@code bpOff} in {@link SgemmPacking}'s panel layout. {@code bp} holds {@link #B_SLACK}
     * floats past the block, so that a masked vector store at its end still lies wholly inside the array (the
     * Vector API checks such a store lane by lane, slowly, when it does not). Threads may pack disjoint panels of
     * one block at once ({@link #gemmRowsParallel}).
     */
    @FunctionalInterface
    interface BPacker {
        void pack(int pc, int jc, int kc, int nc, float[] bp, int bpOff);

        /** B as stored ({@code transB}: as {@code B^T}) in {@code b} from {@code bOff}, rows {@code ldb} apart. */
        static BPacker of(boolean transB, float[] b, int bOff, int ldb) {
            return (pc, jc, kc, nc, bp, bpOff) -> SgemmPacking.packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp, bpOff);
        }

        /** This B's columns from {@code j0} on. */
        default BPacker fromColumn(int j0) {
            return (pc, jc, kc, nc, bp, bpOff) -> pack(pc, j0 + jc, kc, nc, bp, bpOff);
        }
    }

    /** Floats a packed B buffer holds past its block (see {@link BPacker}). */
    static final int B_SLACK = 2 * NR;

    /**
     * Packs the block {@code A[ic:ic+mc, pc:pc+kc]} of an A that need not exist as a matrix into {@code ap} in
     * {@link SgemmPacking}'s panel layout. {@code ap} holds {@link #A_SLACK} floats past the block: a packer may
     * write whole vectors past its last depth step there (and into the next panel, which it packs after).
     */
    @FunctionalInterface
    interface APacker {
        void pack(int ic, int pc, int mc, int kc, float[] ap);

        /** A as stored ({@code transA}: as {@code A^T}) in {@code a} from {@code aOff}, rows {@code lda} apart. */
        static APacker of(boolean transA, float[] a, int aOff, int lda) {
            return (ic, pc, mc, kc, ap) -> SgemmPacking.packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
        }
    }

    /** Floats a packed A buffer holds past its block (see {@link APacker}): a panel's worth of one vector of depth. */
    static final int A_SLACK = MR * SgemmMicroKernel.VL;

    /**
     * Serial blocked GEMM; same contract as {@link Gemm#sgemm}. Requires {@code m, n, k > 0}.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #gemm(boolean, boolean, int, int, int, float[], int, int, float[], int, int, float[], int, int,
     * boolean)}, C starting (unless {@code accumulate}) as the row {@code bias[biasOff .. biasOff + n)} in every
     * row when {@code bias} is not null: added as the first depth block's tiles are stored, no pass of its own.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] bias, int biasOff,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, m, n, k, a, aOff, lda, BPacker.of(transB, b, bOff, ldb), bias, biasOff, c, cOff, ldc, accumulate);
    }

    /**
     * Serial blocked GEMM {@code C[m, n] (+)= A[m, k] · B[k, n]} where B's blocks come from {@code packB}
     * (an im2col written straight into the packed layout, say). Requires {@code m, n, k > 0}.
     */
    static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BPacker packB,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, m, n, k, a, aOff, lda, packB, null, 0, c, cOff, ldc, accumulate);
    }

    /** As the serial GEMM above, C starting as the bias rows when {@code bias} is not null. */
    static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, BPacker packB,
                     float[] bias, int biasOff, float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, APacker.of(transA, a, aOff, lda), packB, bias, biasOff, c, cOff, ldc, accumulate);
    }

    /**
     * Serial blocked GEMM {@code C[m, n] (+)= A[m, k] · B[k, n]} where both operands' blocks come from packers (the
     * im2col matrix of a convolution's weight gradient written straight into A's panels, say). Requires
     * {@code m, n, k > 0}.
     */
    static void gemm(int m, int n, int k, APacker packA, BPacker packB, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        gemm(m, n, k, packA, packB, null, 0, c, cOff, ldc, accumulate);
    }

    private static void gemm(int m, int n, int k, APacker packA, BPacker packB, float[] bias, int biasOff, float[] c,
                             int cOff, int ldc, boolean accumulate) {
        // Balanced block sizes: k = 257 gives two blocks of 129, not 256 + 1.
        int kcStep = balanced(k, KC, 1);
        int mcStep = balanced(m, MC, MR);
        int ncStep = balanced(n, NC, NR);
        Buffers buf = BUFFERS.get();
        float[] ap = buf.a(kcStep * roundUp(mcStep, MR) + A_SLACK);
        float[] bp = buf.b(kcStep * roundUp(ncStep, NR) + B_SLACK);
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                // Only the first depth block may overwrite C; later ones add their partial sums.
                boolean add = accumulate || pc > 0;
                packB.pack(pc, jc, kc, nc, bp, 0);
                for (int ic = 0; ic < m; ic += mcStep) {
                    int mc = Math.min(mcStep, m - ic);
                    packA.pack(ic, pc, mc, kc, ap);
                    macroKernel(mc, nc, kc, ap, bp, c, cOff + ic * ldc + jc, ldc, add, add ? null : bias,
                            biasOff + jc, buf.tile);
                }
            }
        }
    }

    /**
     * Same contract as {@link #gemm}, with the rows of C shared dynamically over {@link Parallel}
     * threads. Requires {@code m, n, k > 0}. {@code packCost} weighs an element of B's packing against a copied one
     * (4 for the gather of a transposed B): a block above {@link #PARALLEL_PACK_MIN} is packed by the threads,
     * split by panels.
     */
    static void gemmRowsParallel(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                                 BPacker packB, int packCost, float[] bias, int biasOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        int threads = Parallel.threads();
        int kcStep = balanced(k, KC, 1);
        int ncStep = balanced(n, NC, NR);
        // About four chunks per thread for balance, but at least 4 register tiles tall so each pass
        // over a B panel in L1 is reused, and at most MC rows so the packed A chunk stays in L2. The
        // count is a multiple of the threads: 2048 rows in 9 chunks of 240 gave 2 threads 1088 and 960
        // rows, 10 chunks of 208 give them 1040 and 1008 (issue 16).
        int want = roundUp(Math.max(4 * threads, (m + MC - 1) / MC), threads);
        int chunk = Math.min(MC, Math.max(4 * MR, roundUp((m + want - 1) / want, MR)));
        int chunks = (m + chunk - 1) / chunk;
        float[] bp = BUFFERS.get().b(kcStep * roundUp(ncStep, NR) + B_SLACK);
        AtomicInteger next = new AtomicInteger();
        for (int jc = 0; jc < n; jc += ncStep) {
            int nc = Math.min(ncStep, n - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                boolean add = accumulate || pc > 0;
                packBShared(packB, packCost, pc, jc, kc, nc, bp);
                next.set(0);
                int pcF = pc;
                int jcF = jc;
                int cBlock = cOff + jc;
                Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
                    Buffers mine = BUFFERS.get();
                    float[] ap = mine.a(kc * chunk);
                    for (int q; (q = next.getAndIncrement()) < chunks; ) {
                        int ic = q * chunk;
                        int mc = Math.min(chunk, m - ic);
                        SgemmPacking.packA(transA, a, aOff, lda, ic, pcF, mc, kc, ap);
                        macroKernel(mc, nc, kc, ap, bp, c, cBlock + ic * ldc, ldc, add, add ? null : bias,
                                biasOff + jcF, mine.tile);
                    }
                });
            }
        }
    }

    /** Packs a B block for all threads: on the caller when small, else split by panels. */
    private static void packBShared(BPacker packB, int packCost, int pc, int jc, int kc, int nc, float[] bp) {
        if ((long) kc * nc * packCost < PARALLEL_PACK_MIN) {
            packB.pack(pc, jc, kc, nc, bp, 0);
            return;
        }
        Parallel.forRange((nc + NR - 1) / NR, 1, (s, e) -> {
            int j0 = s * NR;
            int j1 = Math.min(nc, e * NR);
            // Panel q of the block starts at q * NR * kc, so a sub-range packs into its own slice.
            packB.pack(pc, jc + j0, kc, j1 - j0, bp, j0 * kc);
        });
    }

    /**
     * Multiplies a packed mc x kc block of A by a packed kc x nc block of B into C at {@code cOff}: stored, added
     * ({@code add}), or stored plus the row {@code bias[biasOff ..]} ({@code bias} not null).
     */
    private static void macroKernel(int mc, int nc, int kc, float[] ap, float[] bp,
                                    float[] c, int cOff, int ldc, boolean add, float[] bias, int biasOff,
                                    float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cTile = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    SgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, c, cTile, ldc, add, bias, biasOff + jr);
                } else {
                    // Edge tile: the packed panels are zero-padded, so compute the full tile into a
                    // scratch buffer and copy out only the mr x nr part that exists in C.
                    SgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, tile, 0, NR, false);
                    for (int i = 0; i < mr; i++) {
                        int row = cTile + i * ldc;
                        for (int j = 0; j < nr; j++) {
                            float t = tile[i * NR + j];
                            c[row + j] = add ? c[row + j] + t : bias != null ? bias[biasOff + jr + j] + t : t;
                        }
                    }
                }
            }
        }
    }

    /** A block size at most {@code max} (rounded to {@code unit}) that splits {@code total} evenly. */
    static int balanced(int total, int max, int unit) {
        int blocks = (total + max - 1) / max;
        return roundUp((total + blocks - 1) / blocks, unit);
    }

    static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}

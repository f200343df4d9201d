package org.fluxion.kernels;

/**
 * A float32 right operand {@code B [k, n]} packed once into {@link Sgemm}'s panel layout and multiplied by many
 * short left operands: {@code C[m, n] (+)= A[m, k] · B}. It is the loop of a recurrent layer, where the same
 * weight multiplies a {@code [batch, k]} state at every time step: {@link Gemm#sgemm} would repack the weight
 * at each step and, with few rows, leave all but one thread idle; here the packing is paid once and the
 * column panels of C are split over the {@link Parallel} threads.
 *
 * <p>Without the Vector API ({@link Vectorization}) nothing is packed and {@link #multiply} runs
 * {@link Gemm#sgemm} on B as stored.
 */
public final class SgemmPackedB {
    private static final int MR = SgemmMicroKernel.MR;
    /** Rows of the register tile: callers that split rows over threads split in multiples of it. */
    public static final int ROWS = MR;

    private final int k;
    private final int n;
    private final int kcStep;
    /** One packed {@code [kc, n]} block per depth block, panel {@code q} at {@code q * NR * kc}. */
    private final float[][] blocks;
    private final boolean transB;
    private final float[] b;
    private final int bOff;
    private final int ldb;

    private SgemmPackedB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        if (!Vectorization.ENABLED) {
            // nothing here may load Sgemm: its panel width comes from the Vector API
            this.kcStep = k;
            blocks = null;
            return;
        }
        this.kcStep = Sgemm.balanced(k, Sgemm.KC, 1);
        int nr = Sgemm.NR;
        int depthBlocks = (k + kcStep - 1) / kcStep;
        blocks = new float[depthBlocks][];
        for (int q = 0; q < depthBlocks; q++) {
            int pc = q * kcStep;
            int kc = Math.min(kcStep, k - pc);
            blocks[q] = new float[kc * Sgemm.roundUp(n, nr) + Sgemm.B_SLACK];
            SgemmPacking.packB(transB, b, bOff, ldb, pc, 0, kc, n, blocks[q]);
        }
    }

    /**
     * Packs {@code B [k, n]} ({@code [n, k]} as stored when {@code transB}, row stride {@code ldb}). B is read
     * again by {@link #multiply} only without the Vector API, so it must not change while this is used.
     *
     * @throws IllegalArgumentException when {@code k} or {@code n} is not positive
     */
    public static SgemmPackedB pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        if (k <= 0 || n <= 0) {
            throw new IllegalArgumentException("SgemmPackedB: k and n must be positive, got k=" + k + ", n=" + n);
        }
        return new SgemmPackedB(transB, k, n, b, bOff, ldb);
    }

    /**
     * {@code C[m, n] (+)= A[m, k] · B}, A and C row-major with row strides {@code lda}, {@code ldc}: the column
     * panels of C split over the {@link Parallel} threads, each packing A itself ({@code [m, kc]}, small).
     */
    public void multiply(int m, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0) {
            return;
        }
        if (blocks == null) {
            Gemm.sgemm(false, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int nr = Sgemm.NR;
        int grain = (int) Math.max(1, (1L << 17) / Math.max(1L, (long) m * k * nr));
        Parallel.forRange((n + nr - 1) / nr, grain,
                (p0, p1) -> panels(m, a, aOff, lda, c, cOff, ldc, accumulate, p0, p1, new Scratch()));
    }

    /** Scratch of {@link #multiplySerial}, one per thread that calls it: a packed A block and an edge tile. */
    public static final class Scratch {
        private float[] ap = new float[0];
        private float[] tile;

        private float[] ap(int size) {
            if (ap.length < size) {
                ap = new float[size];
            }
            return ap;
        }
    }

    /**
     * {@link #multiply} on the calling thread alone, for callers that split their own work over threads (a
     * recurrent layer's batch rows, each block running every time step).
     */
    public void multiplySerial(int m, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, boolean accumulate,
                               Scratch scratch) {
        if (m <= 0) {
            return;
        }
        if (blocks == null) {
            for (int i = 0; i < m; i++) {
                // one row at a time keeps Gemm.sgemm on this thread (its parallel split needs many rows)
                Gemm.sgemm(false, transB, 1, n, k, a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc,
                        accumulate);
            }
            return;
        }
        panels(m, a, aOff, lda, c, cOff, ldc, accumulate, 0, (n + Sgemm.NR - 1) / Sgemm.NR, scratch);
    }

    private void panels(int m, float[] a, int aOff, int lda, float[] c, int cOff, int ldc, boolean accumulate,
                        int p0, int p1, Scratch scratch) {
        float[] ap = scratch.ap(kcStep * Sgemm.roundUp(Math.min(m, Sgemm.MC), MR));
        for (int ic = 0; ic < m; ic += Sgemm.MC) {
            int mc = Math.min(Sgemm.MC, m - ic);
            for (int q = 0; q < blocks.length; q++) {
                int pc = q * kcStep;
                int kc = Math.min(kcStep, k - pc);
                SgemmPacking.packA(false, a, aOff, lda, ic, pc, mc, kc, ap);
                boolean add = accumulate || q > 0;
                if (scratch.tile == null) {
                    scratch.tile = new float[MR * Sgemm.NR];
                }
                tiles(mc, kc, p0, p1, ap, blocks[q], c, cOff + ic * ldc, ldc, add, scratch.tile);
            }
        }
    }

    /** The register tiles of panels {@code [p0, p1)} of one depth block, as {@code Sgemm}'s macro-kernel. */
    private void tiles(int mc, int kc, int p0, int p1, float[] ap, float[] bp, float[] c, int cOff, int ldc,
                       boolean add, float[] tile) {
        int width = Sgemm.NR;
        for (int q = p0; q < p1; q++) {
            int jr = q * width;
            int nr = Math.min(width, n - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cTile = cOff + ir * ldc + jr;
                if (mr == MR && nr == width) {
                    SgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, c, cTile, ldc, add);
                } else {
                    // Edge tile: the packed panels are zero-padded; compute the whole tile, copy out what exists.
                    SgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, tile, 0, width, false);
                    for (int i = 0; i < mr; i++) {
                        int row = cTile + i * ldc;
                        for (int j = 0; j < nr; j++) {
                            c[row + j] = add ? c[row + j] + tile[i * width + j] : tile[i * width + j];
                        }
                    }
                }
            }
        }
    }
}

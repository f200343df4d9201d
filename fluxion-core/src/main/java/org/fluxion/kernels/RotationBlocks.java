package org.fluxion.kernels;

/**
 * The rotations of several consecutive QR sweeps, recorded and then applied to the rows of one row-major
 * matrix through GEMM (Lang, "Using level 3 BLAS in rotation-based algorithms", 1998). Rotation k of sweep j
 * (rows k, k+1) must follow the rotations of sweep j - 1 at k - 1 .. k + 1 and nothing else it shares a row
 * with; so with x the rotation's position along its sweep, the rotations with {@code x + j} in
 * {@code [p W, (p + 1) W)} form a block that touches only {@code W + SWEEPS} consecutive rows, and the blocks
 * can be applied in order of p. Each block's rotations are multiplied into a small orthogonal matrix Z
 * (starting from I), then applied as {@code M[rows] <- Z M[rows]}: about 4/3 of the rotations' flops, at the
 * speed of GEMM instead of that of a stream through memory. A block with few rotations is applied directly.
 *
 * <p>Sweeps of one batch all run forward ({@code k = lo .. hi - 1}) or all backward (x counted from the
 * bottom); a sweep in the other direction needs the batch applied first. Results depend on the recorded
 * sweeps only, not on the thread count ({@link Gemm#dgemm} sums in a fixed order).
 */
final class RotationBlocks {
    /**
     * Order from which the SVD's and eigh's QR sweeps gather their rotations here rather than apply them sweep by
     * sweep: by measurement (thread CPU time, one thread), 0.77x the time of sweep-by-sweep rotations at n = 1024
     * in the SVD, 1.37x at 512; eigh at 1024, 550 against 771 ms.
     */
    static final int MIN_ORDER = 768;
    /** Sweeps per batch. */
    static final int SWEEPS = 48;
    /** Positions {@code x + j} per block: Z is at most {@code (WIDTH + SWEEPS)} square. */
    private static final int WIDTH = 48;

    private final double[] m;
    private final int n;
    private final int cols;
    private final int[] lo = new int[SWEEPS];
    private final int[] hi = new int[SWEEPS];
    private final double[] c;
    private final double[] s;
    private int count;
    private boolean forward;

    /** A batch for the row-major {@code [n, cols]} matrix m, whose rotations act on rows {@code 0 .. n-1}. */
    RotationBlocks(double[] m, int n, int cols) {
        this.m = m;
        this.n = n;
        this.cols = cols;
        this.c = new double[SWEEPS * n];
        this.s = new double[SWEEPS * n];
    }

    /** Whether a sweep in this direction must wait for {@link #apply}: the batch is full or runs the other way. */
    boolean full(boolean forward) {
        return count == SWEEPS || count > 0 && forward != this.forward;
    }

    /**
     * Records rotations {@code (c[k], s[k])}, {@code k in [lo, hi)}, of rows k, k+1 ({@link RotationSequence}'s
     * formula), in increasing k when {@code forward}, else decreasing. The batch must not be {@link #full}.
     */
    void add(int lo, int hi, double[] c, double[] s, boolean forward) {
        this.lo[count] = lo;
        this.hi[count] = hi;
        System.arraycopy(c, lo, this.c, count * n + lo, hi - lo);
        System.arraycopy(s, lo, this.s, count * n + lo, hi - lo);
        this.forward = forward;
        count++;
    }

    /** Applies the recorded sweeps, in order, and empties the batch. */
    void apply() {
        if (count == 0) {
            return;
        }
        int last = n - 2; // the largest rotation index
        int size = WIDTH + SWEEPS;
        double[] z = new double[size * size];
        double[] product = new double[size * cols];
        int[] from = new int[count];
        int[] to = new int[count];
        for (int p0 = 0; p0 <= last + count - 1; p0 += WIDTH) {
            int p1 = p0 + WIDTH;
            int rotations = 0;
            for (int j = 0; j < count; j++) {
                int xLo = forward ? lo[j] : last - (hi[j] - 1);
                int xHi = forward ? hi[j] - 1 : last - lo[j];
                from[j] = Math.max(p0 - j, xLo);
                to[j] = Math.min(p1 - 1 - j, xHi);
                rotations += Math.max(0, to[j] - from[j] + 1);
            }
            if (rotations == 0) {
                continue;
            }
            // The rows touched, x .. x+1 for x in [p0 - count + 1, p1 - 1], mapped back from bottom-up positions.
            int yLo = Math.max(0, p0 - (count - 1));
            int yHi = Math.min(n - 1, p1);
            int r0 = forward ? yLo : n - 1 - yHi;
            int rows = yHi - yLo + 1;
            if (9L * rotations < (long) rows * rows) { // too few for a GEMM to pay
                for (int j = 0; j < count; j++) {
                    for (int x = from[j]; x <= to[j]; x++) {
                        int k = forward ? x : last - x;
                        RotationSequence.single(m, cols, k, c[j * n + k], s[j * n + k], 0, cols);
                    }
                }
                continue;
            }
            java.util.Arrays.fill(z, 0, rows * rows, 0.0);
            for (int i = 0; i < rows; i++) {
                z[i * rows + i] = 1;
            }
            for (int j = 0; j < count; j++) {
                for (int x = from[j]; x <= to[j]; x++) {
                    int k = forward ? x : last - x;
                    rotate(z, rows, k - r0, c[j * n + k], s[j * n + k]);
                }
            }
            Gemm.dgemm(false, false, rows, cols, rows, z, 0, rows, m, r0 * cols, cols, product, 0, cols, false);
            System.arraycopy(product, 0, m, r0 * cols, rows * cols);
        }
        count = 0;
    }

    /** Rows i, i+1 of the {@code [rows, rows]} matrix z: {@code a <- c a + s b}, {@code b <- c b - s a}. */
    private static void rotate(double[] z, int rows, int i, double c, double s) {
        int p = i * rows;
        int q = p + rows;
        for (int t = 0; t < rows; t++) {
            double a = z[p + t];
            double b = z[q + t];
            z[p + t] = c * a + s * b;
            z[q + t] = c * b - s * a;
        }
    }
}

package org.fluxion.kernels;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The schedule both Winograd forwards ({@link ConvWinogradF32}, {@link ConvWinograd4F32}) run once their weights are
 * transformed into U: chunks of samples whose inputs are transformed into V, multiplied position by position
 * ({@code M[t] = U[t] · V[t]}, {@code [O, C] x [C, T]}) and transformed back into y. Many chunks: the threads claim
 * whole chunks; few: the threads share each chunk's steps (its input channels, its positions, its output channels).
 * Chunks do not depend on the thread count and each GEMM runs serially ({@link Sgemm#gemm}), so the bits do not either.
 */
final class WinogradChunks {
    /**
     * A forward's input transform: {@code V[t][c, tile]} for channels {@code [c0, c1)} of samples
     * {@code [n0, n0 + cnt)}.
     */
    @FunctionalInterface
    interface Inputs {
        void transform(Conv2dGeometry g, float[] x, int xOff, int n0, int cnt, int c0, int c1, float[] v, int position);
    }

    /**
     * A forward's output transform: y for output channels {@code [o0, o1)} of samples {@code [n0, n0 + cnt)} from M.
     */
    @FunctionalInterface
    interface Outputs {
        void transform(Conv2dGeometry g, float[] m, int position, int n0, int cnt, int o0, int o1, float[] y, int yOff);
    }

    private WinogradChunks() {
    }

    /**
     * Floats from one position's matrix to the next for matrices of {@code floats}: a multiple of 4 KiB plus one
     * cache line, so that the positions a transform reads or writes together fall in different cache sets (at a
     * power-of-two distance they share one, and the streams evict each other: 4x slower measured).
     */
    static int positionStride(int floats) {
        return (floats + 1023) / 1024 * 1024 + 16;
    }

    /**
     * y {@code [N, O, OH, OW]} from x {@code [N, C, H, W]} and U ({@code U[t]} at {@code t*us}), in chunks of
     * {@code sb} samples of {@code tiles} tiles each, then the epilogue (or null) per chunk. V and M are the calling
     * (or claiming) thread's arrays {@code vSlot} and {@code vSlot + 1} of {@code buffers}.
     */
    static void run(Conv2dGeometry g, int positions, int tiles, int sb, float[] u, int us, ThreadBuffers buffers,
                    int vSlot, Inputs inputs, Outputs outputs, float[] x, int xOff, float[] y, int yOff,
                    Conv2dEpilogue epilogue) {
        int nb = g.batch(), cin = g.inChannels(), cout = g.outChannels(), chunks = (nb + sb - 1) / sb;
        if (chunks >= 2 * Parallel.threads()) {
            AtomicInteger next = new AtomicInteger();
            Parallel.forRange(chunks, 1, (unusedStart, unusedEnd) -> {
                for (int q; (q = next.getAndIncrement()) < chunks; ) {
                    int n0 = q * sb, cnt = Math.min(sb, nb - n0), tc = cnt * tiles;
                    int vs = positionStride(cin * tc), ms = positionStride(cout * tc);
                    float[] v = buffers.get(vSlot, (long) positions * vs + FloatRuns.VL);
                    float[] m = buffers.get(vSlot + 1, (long) positions * ms + FloatRuns.VL);
                    inputs.transform(g, x, xOff, n0, cnt, 0, cin, v, vs);
                    for (int t = 0; t < positions; t++) {
                        product(cout, cin, tc, u, t * us, v, t * vs, m, t * ms);
                    }
                    outputs.transform(g, m, ms, n0, cnt, 0, cout, y, yOff);
                    if (epilogue != null) {
                        epilogue.apply(g, y, yOff, n0, cnt);
                    }
                }
            });
            return;
        }
        for (int n0 = 0; n0 < nb; n0 += sb) {
            int start = n0, cnt = Math.min(sb, nb - n0), tc = cnt * tiles;
            int vs = positionStride(cin * tc), ms = positionStride(cout * tc);
            float[] v = buffers.get(vSlot, (long) positions * vs + FloatRuns.VL);
            float[] m = buffers.get(vSlot + 1, (long) positions * ms + FloatRuns.VL);
            Parallel.forRange(cin, 1, (c0, c1) -> inputs.transform(g, x, xOff, start, cnt, c0, c1, v, vs));
            AtomicInteger next = new AtomicInteger();
            Parallel.forRange(positions, 1, (unusedStart, unusedEnd) -> {
                for (int t; (t = next.getAndIncrement()) < positions; ) {
                    product(cout, cin, tc, u, t * us, v, t * vs, m, t * ms);
                }
            });
            Parallel.forRange(cout, 1, (o0, o1) -> outputs.transform(g, m, ms, start, cnt, o0, o1, y, yOff));
            if (epilogue != null) {
                Parallel.forRange(cnt, 1, (s0, s1) -> epilogue.apply(g, y, yOff, start + s0, s1 - s0));
            }
        }
    }

    /** {@code M[t] = U[t] · V[t]}: {@code [O, C] x [C, T]}, one serial GEMM (its bits independent of the threads). */
    private static void product(int cout, int cin, int tc, float[] u, int uOff, float[] v, int vOff, float[] m,
                                int mOff) {
        Sgemm.gemm(false, false, cout, tc, cin, u, uOff, cin, v, vOff, tc, m, mOff, tc, false);
    }
}

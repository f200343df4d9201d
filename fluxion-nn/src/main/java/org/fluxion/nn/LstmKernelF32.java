package org.fluxion.nn;

import org.fluxion.kernels.Gemm;
import org.fluxion.kernels.Parallel;
import org.fluxion.kernels.ScalarMath;
import org.fluxion.kernels.SgemmPackedB;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.kernels.Vectorization;

/**
 * The float32 loops of {@link LstmRecurrence} and {@link LstmRecurrenceVjp} on row-major arrays: per time step
 * one GEMM ({@code h W_hh^T} forward, {@code dgates W_hh} backward) and one pass over the gates; the weight
 * gradient of all steps is one GEMM after the loop ({@code dW_hh = sum_t dgates_t^T h_(t-1)}, a
 * {@code [4H, T B] x [T B, H]} product), as cuDNN and PyTorch do. {@code T} steps, batch {@code B}, hidden
 * {@code H}, {@code G = 4H}; gate blocks in PyTorch's order {@code i, f, g, o}. The activations are those of the
 * {@code sigmoid} and {@code tanh} primitives ({@link VectorLoops}, {@link ScalarMath} for the tails), so the
 * fused step rounds them as the unfused one does.
 */
final class LstmKernelF32 {
    private LstmKernelF32() {
    }

    /**
     * Forward. {@code acts_t = act(proj_t + h_(t-1) W_hh^T)}, {@code c_t = f c_(t-1) + i g},
     * {@code h_t = o tanh(c_t)}.
     *
     * @param proj {@code [T, B, G]} the input projection (biases included)
     * @param h0   {@code [B, H]}
     * @param c0   {@code [B, H]}
     * @param whh  {@code [G, H]}
     * @param ys   {@code [T, B, H]} out: {@code h_1 .. h_T}
     * @param cs   {@code [T, B, H]} out: {@code c_1 .. c_T}
     * @param acts {@code [T, B, G]} out: {@code sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)} per step
     */
    static void forward(int steps, int batch, int hidden, float[] proj, int projOff, float[] h0, int h0Off,
                        float[] c0, int c0Off, float[] whh, int whhOff, float[] ys, float[] cs, float[] acts) {
        SgemmPackedB recurrent = SgemmPackedB.pack(true, hidden, 4 * hidden, whh, whhOff, hidden); // W_hh^T [H, 4H]
        // Sequences are independent: each thread runs every step for its own block of batch rows, so the loop
        // needs no hand-off per step (a step's GEMM is only [rows, H] x [H, 4H]).
        forRows(batch, (r0, r1) -> {
            SgemmPackedB.Scratch scratch = new SgemmPackedB.Scratch();
            float[] tanhC = new float[hidden];
            for (int t = 0; t < steps; t++) {
                forwardStep(t, r0, r1, batch, hidden, proj, projOff, h0, h0Off, c0, c0Off, recurrent, ys, cs, acts,
                        scratch, tanhC);
            }
        });
    }

    /** Step {@code t} of rows {@code [r0, r1)}. */
    private static void forwardStep(int t, int r0, int r1, int batch, int hidden, float[] proj, int projOff,
                                    float[] h0, int h0Off, float[] c0, int c0Off, SgemmPackedB recurrent, float[] ys,
                                    float[] cs, float[] acts, SgemmPackedB.Scratch scratch, float[] tanhC) {
        int g4 = 4 * hidden;
        int bh = batch * hidden;
        int a = t * batch * g4 + r0 * g4;
        int rows = r1 - r0;
        System.arraycopy(proj, projOff + a, acts, a, rows * g4);
        float[] hPrev = t == 0 ? h0 : ys;
        int hOff = (t == 0 ? h0Off : (t - 1) * bh) + r0 * hidden;
        float[] cPrev = t == 0 ? c0 : cs;
        int cOff = (t == 0 ? c0Off : (t - 1) * bh) + r0 * hidden;
        recurrent.multiplySerial(rows, hPrev, hOff, hidden, acts, a, g4, true, scratch);
        for (int b = 0; b < rows; b++) {
            int row = a + b * g4;
            sigmoid(acts, row, 2 * hidden);
            tanh(acts, row + 2 * hidden, hidden);
            sigmoid(acts, row + 3 * hidden, hidden);
            int out = t * bh + (r0 + b) * hidden;
            int prev = cOff + b * hidden;
            for (int j = 0; j < hidden; j++) {
                float c = acts[row + hidden + j] * cPrev[prev + j] + acts[row + j] * acts[row + 2 * hidden + j];
                cs[out + j] = c;
                tanhC[j] = c;
            }
            tanh(tanhC, 0, hidden);
            for (int j = 0; j < hidden; j++) {
                ys[out + j] = acts[row + 3 * hidden + j] * tanhC[j];
            }
        }
    }

    /**
     * Backward, the reverse sweep of {@link #forward}: with {@code dh = gy_t + dh_next},
     * {@code dc = gc_t + dc_next + dh o (1 - tanh^2 c_t)},
     * {@code dgates = (dc g, dc c_(t-1), dc i, dh tanh c_t) + gacts_t} times the activations' derivatives
     * {@code (i (1 - i), f (1 - f), 1 - g^2, o (1 - o))}; then {@code dh_next = dgates W_hh},
     * {@code dc_next = dc f}.
     *
     * @param gy    {@code [T, B, H]}, or null for zeros; likewise {@code gc} {@code [T, B, H]} and {@code ga}
     *              {@code [T, B, G]}
     * @param dproj {@code [T, B, G]} out; {@code dh0}, {@code dc0} {@code [B, H]} out; {@code dwhh}
     *              {@code [G, H]} out
     */
    static void backward(int steps, int batch, int hidden, float[] gy, int gyOff, float[] gc, int gcOff,
                         float[] ga, int gaOff, float[] h0, int h0Off, float[] c0, int c0Off, float[] whh, int whhOff,
                         float[] ys, int ysOff, float[] cs, int csOff, float[] acts, int actsOff,
                         float[] dproj, float[] dh0, float[] dc0, float[] dwhh) {
        int g4 = 4 * hidden;
        int bg = batch * g4;
        SgemmPackedB recurrent = SgemmPackedB.pack(false, g4, hidden, whh, whhOff, hidden); // W_hh [4H, H]
        // dh0 and dc0 carry dh_next and dc_next through the sweep, each thread its own rows.
        java.util.Arrays.fill(dh0, 0f);
        java.util.Arrays.fill(dc0, 0f);
        forRows(batch, (r0, r1) -> {
            SgemmPackedB.Scratch scratch = new SgemmPackedB.Scratch();
            float[] tanhC = new float[hidden];
            for (int t = steps - 1; t >= 0; t--) {
                for (int b = r0; b < r1; b++) {
                    backwardRow(t, b, batch, hidden, gy, gyOff, gc, gcOff, ga, gaOff, c0, c0Off, cs, csOff, acts,
                            actsOff, dproj, dh0, dc0, tanhC);
                }
                recurrent.multiplySerial(r1 - r0, dproj, t * bg + r0 * g4, g4, dh0, r0 * hidden, hidden, false,
                        scratch);
            }
        });
        // dW_hh = dgates^T [h_0; h_1 .. h_(T-1)]: the first step reads h0, the others the outputs.
        Gemm.sgemm(true, false, g4, hidden, batch, dproj, 0, g4, h0, h0Off, hidden, dwhh, 0, hidden, false);
        if (steps > 1) {
            Gemm.sgemm(true, false, g4, hidden, (steps - 1) * batch, dproj, bg, g4, ys, ysOff, hidden, dwhh, 0, hidden,
                    true);
        }
    }

    /** Row {@code b} of step {@code t}: {@code dproj_t[b]} and {@code dc_next[b]} from {@code dh_next[b]}. */
    private static void backwardRow(int t, int b, int batch, int hidden, float[] gy, int gyOff, float[] gc, int gcOff,
                                    float[] ga, int gaOff, float[] c0, int c0Off, float[] cs, int csOff, float[] acts,
                                    int actsOff, float[] dproj, float[] dh, float[] dc, float[] tanhC) {
        int g4 = 4 * hidden;
        int bh = batch * hidden;
        int s = t * bh + b * hidden;
        int row = t * batch * g4 + b * g4;
        float[] cPrev = t == 0 ? c0 : cs;
        int prev = t == 0 ? c0Off + b * hidden : csOff + s - bh;
        System.arraycopy(cs, csOff + s, tanhC, 0, hidden);
        tanh(tanhC, 0, hidden);
        int j0 = Vectorization.ENABLED ? LstmBackwardLanes.row(hidden, gy, gyOff + s, gc, gcOff + s, ga, gaOff + row,
                cPrev, prev, acts, actsOff + row, tanhC, dproj, row, dh, dc, b * hidden) : 0;
        for (int j = j0; j < hidden; j++) {
            int k = actsOff + row + j;
            float i = acts[k];
            float f = acts[k + hidden];
            float g = acts[k + 2 * hidden];
            float o = acts[k + 3 * hidden];
            float tc = tanhC[j];
            float dhv = (gy == null ? 0f : gy[gyOff + s + j]) + dh[b * hidden + j];
            float dcv = (gc == null ? 0f : gc[gcOff + s + j]) + dc[b * hidden + j] + dhv * o * (1f - tc * tc);
            int d = row + j;
            int q = gaOff + row + j;
            float gi = ga == null ? 0f : ga[q];
            float gf = ga == null ? 0f : ga[q + hidden];
            float gg = ga == null ? 0f : ga[q + 2 * hidden];
            float go = ga == null ? 0f : ga[q + 3 * hidden];
            dproj[d] = (dcv * g + gi) * (i * (1f - i));
            dproj[d + hidden] = (dcv * cPrev[prev + j] + gf) * (f * (1f - f));
            dproj[d + 2 * hidden] = (dcv * i + gg) * (1f - g * g);
            dproj[d + 3 * hidden] = (dhv * tc + go) * (o * (1f - o));
            dc[b * hidden + j] = dcv * f;
        }
    }

    /** Splits {@code [0, batch)} over the threads in blocks of whole register tiles of rows. */
    private static void forRows(int batch, Parallel.RangeBody body) {
        int tile = SgemmPackedB.ROWS;
        Parallel.forRange((batch + tile - 1) / tile, 1, (s, e) -> body.run(s * tile, Math.min(batch, e * tile)));
    }

    /** {@code x = sigmoid(x)} in place over {@code n} elements. */
    private static void sigmoid(float[] x, int off, int n) {
        int i = Vectorization.ENABLED ? VectorLoops.sigmoid(x, off, 1, x, off, n) : 0;
        for (; i < n; i++) {
            x[off + i] = ScalarMath.sigmoid(x[off + i]);
        }
    }

    /** {@code x = tanh(x)} in place over {@code n} elements. */
    private static void tanh(float[] x, int off, int n) {
        int i = Vectorization.ENABLED ? VectorLoops.tanh(x, off, 1, x, off, n) : 0;
        for (; i < n; i++) {
            x[off + i] = ScalarMath.tanh(x[off + i]);
        }
    }
}

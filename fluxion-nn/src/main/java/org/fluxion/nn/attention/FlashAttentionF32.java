package org.fluxion.nn.attention;

import java.util.Arrays;
import org.fluxion.kernels.Gemm;
import org.fluxion.kernels.Parallel;

/**
 * Float32 FlashAttention on the CPU (Dao et al. 2022, FlashAttention-2's loop order): attention
 * {@code O = softmax(scale Q K^T + mask) V} computed tile by tile with an online softmax, so that no
 * {@code [Tq, Tk]} matrix exists, only {@code BQ x BK} tiles per thread.
 *
 * <p>Layout: {@code q [N, Tq, D]}, {@code k [N, Tk, D]}, {@code v [N, Tk, Dv]}, {@code o [N, Tq, Dv]} and the
 * cotangents like them wherever their {@link HeadRows} say (row by row, elements consecutive); {@code lse [N, Tq]}
 * and {@code keep [N, Tk]} (null: every key valid) contiguous from offset 0. {@code causal} hides key {@code j > i} from query {@code i} (PyTorch's top-left alignment). A query
 * that sees no key gets {@code o = 0}, {@code lse = +inf} (so its recomputed probabilities are 0).
 *
 * <p>Forward, per query tile (running max {@code m}, running sum {@code l}, accumulator {@code o}): for each
 * key tile {@code S = scale Q K^T}; {@code m' = max(m, rowmax S)}; {@code P = exp(S - m')};
 * {@code l = l e^(m - m') + rowsum P}; {@code o = o e^(m - m') + P V}; at the end {@code o /= l},
 * {@code lse = m + log l}. Backward, per key tile, recomputing each tile's {@code P = exp(S - lse)}:
 * {@code dV += P^T dO}, {@code dP = dO V^T}, {@code dS = P (dP - delta)} with
 * {@code delta = rowsum(dO o) - dLse}, {@code dQ += scale dS K}, {@code dK += scale dS^T Q}.
 * {@link FlashAttentionF64} is the same algorithm in float64.
 */
final class FlashAttentionF32 {
    /*
     * 128 x 128 tiles (a 64 KiB score tile, in L2): at the common sequence lengths up to 128 a head is one
     * tile, so the forward needs no rescaling and the backward packs each operand once per head instead of
     * once per 64 x 64 tile pair (the five tile GEMMs are then each about 1M multiply-adds, issue 16).
     */
    static final int BQ = 128;
    static final int BK = 128;

    private FlashAttentionF32() {
    }

    static void forward(float[] q, HeadRows qr, float[] k, HeadRows kr, float[] v, HeadRows vr, boolean[] keep,
                        float[] o, HeadRows or, float[] lse, int n, int tq, int tk, int d, int dv, float scale,
                        boolean causal) {
        int qBlocks = (tq + BQ - 1) / BQ;
        Parallel.forRange(n * qBlocks, 1, (start, end) -> {
            float[] s = new float[BQ * BK];
            float[] m = new float[BQ];
            float[] l = new float[BQ];
            for (int job = start; job < end; job++) {
                int b = job / qBlocks;
                int i0 = (job % qBlocks) * BQ;
                int rows = Math.min(BQ, tq - i0);
                int oOff = or.at(b, i0);
                Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
                Arrays.fill(l, 0, rows, 0f);
                for (int r = 0; r < rows; r++) {
                    Arrays.fill(o, oOff + r * or.stride(), oOff + r * or.stride() + dv, 0f);
                }
                int kEnd = causal ? Math.min(tk, i0 + rows) : tk;
                for (int j0 = 0; j0 < kEnd; j0 += BK) {
                    int cols = Math.min(BK, kEnd - j0);
                    Gemm.sgemm(false, true, rows, cols, d, q, qr.at(b, i0), qr.stride(), k, kr.at(b, j0), kr.stride(),
                            s, 0, cols, false);
                    for (int r = 0; r < rows; r++) {
                        int row = r * cols;
                        float max = mask(s, row, cols, scale, keep, b * tk + j0, causal ? i0 + r - j0 : cols);
                        float mNew = Math.max(m[r], max);
                        if (mNew == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(s, row, row + cols, 0f); // no valid key yet: nothing to add
                            continue;
                        }
                        float alpha = (float) Math.exp(m[r] - mNew);
                        l[r] = l[r] * alpha + AttentionRowsF32.expShifted(s, row, cols, mNew);
                        m[r] = mNew;
                        if (alpha != 1f) {
                            AttentionRowsF32.scale(o, oOff + r * or.stride(), dv, alpha);
                        }
                    }
                    Gemm.sgemm(false, false, rows, dv, cols, s, 0, cols, v, vr.at(b, j0), vr.stride(), o, oOff,
                            or.stride(), true);
                }
                for (int r = 0; r < rows; r++) {
                    if (l[r] > 0) {
                        AttentionRowsF32.scale(o, oOff + r * or.stride(), dv, 1f / l[r]);
                        lse[b * tq + i0 + r] = m[r] + (float) Math.log(l[r]);
                    } else {
                        lse[b * tq + i0 + r] = Float.POSITIVE_INFINITY;
                    }
                }
            }
        });
    }

    /**
     * Scales row {@code s[row, row + cols)} by {@code scale}, sets hidden keys to {@code -inf} (padding, or
     * column {@code >= visible}: causal), returns the row's maximum.
     */
    private static float mask(float[] s, int row, int cols, float scale, boolean[] keep, int keyOff, int lastVisible) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            float x = c <= lastVisible && (keep == null || keep[keyOff + c]) ? s[row + c] * scale
                    : Float.NEGATIVE_INFINITY;
            s[row + c] = x;
            max = Math.max(max, x);
        }
        return max;
    }

    /**
     * The cotangents {@code dq [N, Tq, D]}, {@code dk [N, Tk, D]}, {@code dv [N, Tk, Dv]} (overwritten) from
     * {@code dO [N, Tq, Dv]} and {@code dLse [N, Tq]} (null: zero), given the forward's {@code o} and
     * {@code lse}. Parallel over the {@code N} heads (each owns its rows of dq, dk, dv).
     */
    static void backward(float[] q, HeadRows qr, float[] k, HeadRows kr, float[] v, HeadRows vr, boolean[] keep,
                         float[] o, HeadRows or, float[] lse, float[] dO, HeadRows gr, float[] dLse, float[] dq,
                         HeadRows dqr, float[] dk, HeadRows dkr, float[] dvOut, HeadRows dvr, int n, int tq, int tk,
                         int d, int dv, float scale, boolean causal) {
        Parallel.forRange(n, 1, (start, end) -> {
            float[] p = new float[BQ * BK];
            float[] dp = new float[BQ * BK];
            float[] delta = new float[tq];
            for (int b = start; b < end; b++) {
                for (int i = 0; i < tq; i++) {
                    Arrays.fill(dq, dqr.at(b, i), dqr.at(b, i) + d, 0f);
                    float dot = AttentionRowsF32.dot(dO, gr.at(b, i), o, or.at(b, i), dv);
                    delta[i] = dLse == null ? dot : dot - dLse[b * tq + i];
                }
                for (int j = 0; j < tk; j++) {
                    Arrays.fill(dk, dkr.at(b, j), dkr.at(b, j) + d, 0f);
                    Arrays.fill(dvOut, dvr.at(b, j), dvr.at(b, j) + dv, 0f);
                }
                for (int j0 = 0; j0 < tk; j0 += BK) {
                    int cols = Math.min(BK, tk - j0);
                    int kOff = kr.at(b, j0);
                    int vOff = vr.at(b, j0);
                    for (int i0 = causal ? j0 / BQ * BQ : 0; i0 < tq; i0 += BQ) {
                        int rows = Math.min(BQ, tq - i0);
                        int qOff = qr.at(b, i0);
                        int gOff = gr.at(b, i0);
                        Gemm.sgemm(false, true, rows, cols, d, q, qOff, qr.stride(), k, kOff, kr.stride(), p, 0, cols,
                                false);
                        for (int r = 0; r < rows; r++) {
                            float l = lse[b * tq + i0 + r];
                            mask(p, r * cols, cols, scale, keep, b * tk + j0, causal ? i0 + r - j0 : cols);
                            if (l == Float.POSITIVE_INFINITY) {
                                Arrays.fill(p, r * cols, (r + 1) * cols, 0f);
                            } else {
                                AttentionRowsF32.expShifted(p, r * cols, cols, l);
                            }
                        }
                        Gemm.sgemm(true, false, cols, dv, rows, p, 0, cols, dO, gOff, gr.stride(), dvOut,
                                dvr.at(b, j0), dvr.stride(), true);
                        Gemm.sgemm(false, true, rows, cols, dv, dO, gOff, gr.stride(), v, vOff, vr.stride(), dp, 0,
                                cols, false);
                        for (int r = 0; r < rows; r++) {
                            AttentionRowsF32.softmaxGrad(p, dp, r * cols, cols, delta[i0 + r], scale);
                        }
                        Gemm.sgemm(false, false, rows, d, cols, dp, 0, cols, k, kOff, kr.stride(), dq, dqr.at(b, i0),
                                dqr.stride(), true);
                        Gemm.sgemm(true, false, cols, d, rows, dp, 0, cols, q, qOff, qr.stride(), dk, dkr.at(b, j0),
                                dkr.stride(), true);
                    }
                }
            }
        });
    }
}

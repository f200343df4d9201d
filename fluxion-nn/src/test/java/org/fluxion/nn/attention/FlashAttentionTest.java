package org.fluxion.nn.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/**
 * The fused attention kernels against the textbook formula ({@link AttentionReference}): values, log-sum-exp
 * and cotangents over several tiles with padding and causal masks, float64 and float32; derivatives of every
 * order against finite differences, eagerly, under jit and under vmap; no score matrix in compiled graphs.
 */
class FlashAttentionTest {
    private static final DType F64 = DType.FLOAT64;

    private static Tensor randn(long seed, DType dtype, int... dims) {
        return Tensor.randn(new SplittableRandom(seed), dtype, dims);
    }

    /** A key mask with whole rows hidden in sequence 1 and random holes elsewhere. */
    private static Tensor keep(int n, int tk, long seed) {
        Random r = new Random(seed);
        boolean[] k = new boolean[n * tk];
        for (int i = 0; i < k.length; i++) {
            k[i] = i / tk == 1 ? i % tk < 3 : r.nextDouble() < 0.7;
        }
        return Tensor.of(k, n, tk);
    }

    private static double maxDiff(Tensor a, Tensor b) {
        return a.to(F64).sub(b.to(F64)).abs().max().item();
    }

    @Test
    void valuesAndLogSumExpEqualTheFormulaAcrossTiles() {
        int[][] sizes = {{3, 150, 130, 8, 5}, {2, 64, 64, 16, 16}, {2, 1, 200, 4, 4}, {3, 70, 9, 3, 2}};
        for (int[] s : sizes) {
            for (boolean causal : new boolean[] {false, true}) {
                for (boolean masked : new boolean[] {false, true}) {
                    Tensor q = randn(1, F64, s[0], s[1], s[3]);
                    Tensor k = randn(2, F64, s[0], s[2], s[3]);
                    Tensor v = randn(3, F64, s[0], s[2], s[4]);
                    Tensor keep = masked ? keep(s[0], s[2], 4) : null;
                    FlashAttention p = new FlashAttention(0.37, causal, masked);
                    Tensor[] fused = masked ? org.fluxion.ops.Ops.bindAll(p, q, k, v, keep)
                            : org.fluxion.ops.Ops.bindAll(p, q, k, v);
                    Tensor[] ref = AttentionReference.forward(q, k, v, keep, 0.37, causal);
                    String what = java.util.Arrays.toString(s) + " causal=" + causal + " masked=" + masked;
                    assertTrue(maxDiff(fused[0], ref[0]) < 1e-12, what + ": o " + maxDiff(fused[0], ref[0]));
                    assertTrue(fused[1].eq(ref[1]).logicalOr(fused[1].sub(ref[1]).abs().lt(1e-12)).toBooleanArray()
                            .length == ref[1].size() && maxDiffFinite(fused[1], ref[1]) < 1e-12, what + ": lse");
                    Tensor[] f32 = masked ? org.fluxion.ops.Ops.bindAll(p, q.to(DType.FLOAT32), k.to(DType.FLOAT32),
                            v.to(DType.FLOAT32), keep) : org.fluxion.ops.Ops.bindAll(p, q.to(DType.FLOAT32),
                            k.to(DType.FLOAT32), v.to(DType.FLOAT32));
                    assertTrue(maxDiff(f32[0], ref[0]) < 2e-5, what + ": float32 o " + maxDiff(f32[0], ref[0]));
                }
            }
        }
    }

    /** Equal where both are finite, and infinite at the same places. */
    private static double maxDiffFinite(Tensor a, Tensor b) {
        assertTrue(a.isFinite().eq(b.isFinite()).logicalNot().sum().item() == 0, "lse infinite at the same rows");
        Tensor fin = a.isFinite();
        return Tensor.where(fin, a.sub(Tensor.where(fin, b, Tensor.zeros(F64))), Tensor.zeros(F64)).abs().max().item();
    }

    @Test
    void fusedBackwardEqualsTheFormulasCotangents() {
        // 140 queries and 150 keys: more than one tile each way in both precisions
        for (DType dtype : new DType[] {F64, DType.FLOAT32}) {
            for (boolean causal : new boolean[] {false, true}) {
                Tensor q = randn(5, dtype, 2, 3, 140, 8);
                Tensor k = randn(6, dtype, 2, 3, 150, 8);
                Tensor v = randn(7, dtype, 2, 3, 150, 6);
                Tensor valid = keep(2, 150, 8).unsqueeze(1); // [B, 1, Tk]: per sequence, all heads
                Tensor g = randn(9, dtype, 2, 3, 140, 6);
                Tensor[] fused = Functional.vjp(x -> Attention.scaledDotProduct(x[0], x[1], x[2], valid, causal),
                        new Tensor[] {q, k, v}).pullback().apply(g);
                Tensor keepFlat = valid.expand(2, 3, 150).reshape(6, 150);
                Tensor[] ref = AttentionReference.backward(q.reshape(6, 140, 8).to(F64), k.reshape(6, 150, 8).to(F64),
                        v.reshape(6, 150, 6).to(F64), keepFlat, g.reshape(6, 140, 6).to(F64),
                        Tensor.zeros(F64, 6, 140), 1 / Math.sqrt(8), causal);
                double tol = dtype == F64 ? 1e-12 : 1e-4;
                String[] names = {"dq", "dk", "dv"};
                for (int i = 0; i < 3; i++) {
                    double e = maxDiff(fused[i].reshape(ref[i].dims()), ref[i]);
                    assertTrue(e < tol, dtype + " causal=" + causal + ": " + names[i] + " differs by " + e);
                }
            }
        }
    }

    /**
     * Heads as multi-head attention makes them, strided views of one [B, T, 3, H, D] projection, and a strided
     * cotangent: the float32 kernels read them as they lie, with the same bits as from dense copies, and the
     * merge of the output's heads back to [B, T, H D] is a view.
     */
    @Test
    void stridedHeadsGiveTheBitsOfDenseCopies() {
        int b = 2, t = 70, h = 3, d = 8;
        for (boolean causal : new boolean[] {false, true}) {
            Tensor proj = randn(50, DType.FLOAT32, b, t, 3 * h * d);
            Tensor[] qkv = proj.split(2, h * d, h * d, h * d).stream()
                    .map(x -> x.reshape(b, t, h, d).transpose(1, 2)).toArray(Tensor[]::new);
            Tensor valid = keep(b, t, 51).unsqueeze(1);
            Tensor g = randn(52, DType.FLOAT32, b, t, h, d).transpose(1, 2);
            Function<Tensor[], Tensor> f = x -> Attention.scaledDotProduct(x[0], x[1], x[2], valid, causal);
            var strided = Functional.vjp(f, qkv);
            var dense = Functional.vjp(f, new Tensor[] {qkv[0].copy(), qkv[1].copy(), qkv[2].copy()});
            assertTrue(!qkv[0].isContiguous() && !g.isContiguous(), "the inputs are strided views");
            assertArrayEquals(dense.value().toFloatArray(), strided.value().toFloatArray(), "o, causal=" + causal);
            assertTrue(strided.value().transpose(1, 2).isContiguous(), "the heads merge back as a view");
            Tensor[] gs = strided.pullback().apply(g);
            Tensor[] gd = dense.pullback().apply(g.copy());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(gd[i].toFloatArray(), gs[i].toFloatArray(), "cotangent " + i + ", causal=" + causal);
            }
            Tensor[] ref = AttentionReference.backward(qkv[0].to(F64), qkv[1].to(F64), qkv[2].to(F64),
                    valid.expand(b, h, t), g.to(F64), Tensor.zeros(F64, b, h, t), 1 / Math.sqrt(d), causal);
            for (int i = 0; i < 3; i++) {
                assertTrue(maxDiff(gs[i], ref[i]) < 1e-4, "cotangent " + i + " vs the formula: " + maxDiff(gs[i], ref[i]));
            }
        }
    }

    @Test
    void derivativesOfEveryOrderEagerJitAndVmap() {
        Tensor valid = Tensor.of(new boolean[] {true, true, false, true, false, true, true, true, false, false}, 2, 5);
        for (boolean causal : new boolean[] {false, true}) {
            Function<Tensor[], Tensor> f = x -> Attention.scaledDotProduct(x[0], x[1], x[2], valid.unsqueeze(1), causal);
            Tensor[] xs = {randn(10, F64, 2, 2, 4, 3), randn(11, F64, 2, 2, 5, 3), randn(12, F64, 2, 2, 5, 2)};
            org.fluxion.nn.FunctionGradCheckAccess.check("attention causal=" + causal, f, xs, 1e-6, 2);
            var jitted = Jit.jit(f);
            org.fluxion.nn.FunctionGradCheckAccess.check("jit(attention) causal=" + causal, jitted::apply, xs, 1e-6, 2);
            Function<Tensor, Tensor> one = q -> Attention.scaledDotProduct(q, xs[1].select(0, 0), xs[2].select(0, 0),
                    valid.select(0, 0), causal);
            var mapped = Vmap.vmap(one);
            Tensor qs = randn(13, F64, 3, 2, 4, 3);
            org.fluxion.nn.FunctionGradCheckAccess.check("vmap(attention) causal=" + causal,
                    x -> mapped.apply(x[0]), new Tensor[] {qs}, 1e-6, 2);
            Tensor looped = Tensor.stack(0, java.util.List.of(one.apply(qs.select(0, 0)), one.apply(qs.select(0, 1)),
                    one.apply(qs.select(0, 2))));
            assertTrue(mapped.apply(qs).allClose(looped, 1e-12, 1e-12), "vmap equals a loop");
        }
    }

    @Test
    void gradientOfTheCompiledGradientUsesTheBackwardPrimitivesRules() {
        Tensor[] xs = {randn(20, F64, 3, 6, 4), randn(21, F64, 3, 7, 4), randn(22, F64, 3, 7, 4)};
        Tensor r = randn(23, F64, 3, 6, 4);
        Function<Tensor[], Tensor> loss = x -> Attention.scaledDotProduct(x[0], x[1], x[2], null, true).mul(r).sum();
        var gradQ = Jit.jit((Tensor[] x) -> Functional.valueAndGrad(loss, 0).apply(x).grads()[0]);
        assertTrue(gradQ.graph(xs).toString().contains("flash_attention_backward"), gradQ.graph(xs).toString());
        Tensor w = randn(24, F64, 3, 6, 4);
        org.fluxion.nn.FunctionGradCheckAccess.check("grad(jit(grad(attention)))", x -> gradQ.apply(x).mul(w).sum()
                .reshape(1), xs, 1e-6, 1);
    }

    @Test
    void compiledForwardAndBackwardHoldNoScoreMatrix() {
        int t = 300;
        Tensor q = randn(30, DType.FLOAT32, 2, t, 8);
        Function<Tensor, Tensor> loss = x -> Attention.scaledDotProduct(x, x, x, null, true).sum();
        String graph = Jit.jit(Functional.grad(loss)).graph(q).toString();
        assertTrue(graph.contains("flash_attention") && graph.contains("flash_attention_backward"), graph);
        assertFalse(graph.contains(t + ", " + t) || graph.contains(t + "," + t), "a [T, T] value in\n" + graph);
    }

    @Test
    void aQueryThatSeesNoKeyGetsZerosAndZeroGradients() {
        Tensor q = randn(40, F64, 1, 3, 2).requiresGrad(true);
        Tensor k = randn(41, F64, 1, 3, 2);
        Tensor v = randn(42, F64, 1, 3, 2).requiresGrad(true);
        Tensor none = Tensor.of(new boolean[] {false, false, false}, 1, 3);
        Tensor o = Attention.scaledDotProduct(q, k, v, none, false);
        assertEquals(0, o.abs().max().item());
        o.sum().backward();
        assertEquals(0, q.grad().abs().max().item());
        assertEquals(0, v.grad().abs().max().item());
    }

    @Test
    void shapeErrorsNameTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(randn(1, F64, 2, 3, 4),
                randn(1, F64, 2, 5, 3), randn(1, F64, 2, 5, 3), null, false));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[2, 5, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(randn(1, F64, 2, 3, 4),
                randn(1, F64, 2, 5, 4), randn(1, F64, 2, 5, 3), Tensor.ones(2, 5), false));
        assertTrue(e.getMessage().contains("keyValid must be bool [..., 5]"), e.getMessage());
    }
}

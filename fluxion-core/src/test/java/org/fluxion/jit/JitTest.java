package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.ir.Graph;
import org.fluxion.tensor.ConcretizationException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class JitTest {
    @Test
    void jitComputesWhatEagerComputes() {
        var f = Jit.jit((Tensor x) -> x.mul(x).add(x.sin()).sum());
        Tensor x = Tensor.randn(1, 5, 3);
        assertTrue(f.apply(x).allClose(x.mul(x).add(x.sin()).sum(), 1e-6, 1e-6));
    }

    @Test
    void graphPrintsLikeAJaxpr() {
        Graph g = Jit.makeGraph((Tensor x) -> x.mul(x).sum(), Tensor.ones(3));
        assertEquals("""
                { lambda ; a:float32[3]. let
                    b:float32[3] = mul a a
                    c:float32[] = sum[axes=[0], keepDims=false] b
                  in (c) }""", g.toString());
    }

    @Test
    void tracesOncePerSignature() {
        int[] calls = {0};
        var f = Jit.jit((Tensor x) -> {
            calls[0]++;
            return x.add(1);
        });
        f.apply(Tensor.ones(3));
        f.apply(Tensor.zeros(3));
        assertEquals(1, calls[0]);
        f.apply(Tensor.ones(4));
        f.apply(Tensor.ones(DType.FLOAT64, 3));
        assertEquals(3, calls[0]);
        assertEquals(3, f.traceCount());
    }

    @Test
    void treesInAndOut() {
        var f = Jit.jit((List<Tensor> xs) -> List.of(xs.get(0).add(xs.get(1)), xs.get(0).mul(xs.get(1))));
        List<Tensor> r = f.apply(List.of(Tensor.vector(1, 2), Tensor.vector(3, 4)));
        assertEquals(Tensor.vector(4, 6), r.get(0));
        assertEquals(Tensor.vector(3, 8), r.get(1));
    }

    @Test
    void javaIfOnATracedValuePointsToCond() {
        var f = Jit.jit((Tensor x) -> x.sum().item() > 0 ? x : x.neg());
        var e = assertThrows(ConcretizationException.class, () -> f.apply(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("Control.cond"), e.getMessage());
    }

    @Test
    void mutatingACapturedTensorIsRejected() {
        Tensor counter = Tensor.zeros(1);
        var f = Jit.jit((Tensor x) -> {
            counter.addInPlace(Tensor.ones(1));
            return x;
        });
        var e = assertThrows(IllegalStateException.class, () -> f.apply(Tensor.ones(3)));
        assertTrue(e.getMessage().contains("in-place"), e.getMessage());
        var g = Jit.jit((Tensor x) -> x.addInPlace(x));
        assertThrows(IllegalStateException.class, () -> g.apply(Tensor.ones(3)));
    }

    @Test
    void leakedTracerIsReported() {
        Tensor[] leak = new Tensor[1];
        var f = Jit.jit((Tensor x) -> {
            leak[0] = x;
            return x;
        });
        f.apply(Tensor.ones(2));
        var e = assertThrows(EscapedTracerException.class, () -> leak[0].add(1));
        assertTrue(e.getMessage().contains("leaked"), e.getMessage());
        assertTrue(e.getMessage().contains("escaped its jit trace"), e.getMessage());
    }

    @Test
    void leakedTracersValuesAreReportedAsEscapedNotAsBeingTraced() {
        Tensor[] leak = new Tensor[1];
        var f = Jit.jit((Tensor x) -> {
            leak[0] = x.mul(2);
            return x;
        });
        f.apply(Tensor.ones(2));
        for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
                () -> leak[0].item(), () -> leak[0].toDoubleArray(), () -> leak[0].get(0))) {
            var e = assertThrows(EscapedTracerException.class, read);
            assertTrue(e.getMessage().contains("float32[2]") && e.getMessage().contains("escaped its jit trace")
                    && e.getMessage().contains("Return it from the traced function"), e.getMessage());
            assertFalse(e.getMessage().contains("while jit traces"), e.getMessage());
        }
        var g = Jit.jit((Tensor x) -> x.add(1));
        var e = assertThrows(EscapedTracerException.class, () -> g.apply(leak[0]));
        assertTrue(e.getMessage().startsWith("jit argument: the tensor float32[2] is a tracer that escaped"), e.getMessage());
    }

    @Test
    void jitOfGradAndGradOfJit() {
        var loss = (java.util.function.Function<Tensor, Tensor>) x -> x.tanh().mul(x).sum();
        Tensor x = Tensor.randn(2, 6).to(DType.FLOAT64);
        Tensor expected = Functional.grad(loss).apply(x);
        assertTrue(Jit.jit(Functional.grad(loss)).apply(x).allClose(expected, 1e-12, 1e-12));
        assertTrue(Functional.grad(Jit.jit(loss)).apply(x).allClose(expected, 1e-12, 1e-12));
        Tensor hv = Functional.hvp(Jit.jit(loss), x, Tensor.ones(DType.FLOAT64, 6));
        assertTrue(hv.allClose(Functional.hvp(loss, x, Tensor.ones(DType.FLOAT64, 6)), 1e-12, 1e-12));
        Tensor t = Tensor.ones(DType.FLOAT64, 6);
        var jvpUnderJit = Jit.jit((Tensor y) -> Functional.jvp(loss, y, t).tangent());
        assertTrue(jvpUnderJit.apply(x).allClose(Functional.jvp(loss, x, t).tangent(), 1e-12, 1e-12));
    }

    @Test
    void optimizerRemovesDeadCodeDuplicatesAndIdentities() {
        var f = Jit.jit((Tensor x) -> {
            x.exp(); // dead
            Tensor a = x.sin().mul(1).add(0);
            Tensor b = x.sin(); // the same as a
            Tensor t = x.reshape(2, 3).transpose().transpose().reshape(6);
            Tensor c = Tensor.scalar(2).mul(Tensor.scalar(3)); // folded while tracing
            return a.add(b).add(t).mul(c).neg().neg();
        });
        Tensor x = Tensor.randn(7, 6);
        Graph g = Jitted.class.cast(f).optimizedGraph(x);
        assertEquals(0, g.count("exp"), g.toString());
        assertEquals(1, g.count("sin"), g.toString());
        assertEquals(0, g.count("neg"), g.toString());
        assertEquals(0, g.count("permute"), g.toString());
        assertEquals(0, g.count("reshape"), g.toString());
        assertEquals(4, g.equations().size(), g.toString()); // sin, add, add, mul
        Tensor expected = x.sin().mul(2).add(x).mul(6);
        assertTrue(f.apply(x).allClose(expected, 1e-6, 1e-6));
    }

    @Test
    void elementwiseChainAndTrailingSumFuseIntoOneKernel() {
        var f = Jit.jit((List<Tensor> in) -> in.get(0).add(in.get(1)).add(in.get(2)).tanh().mul(2).sum(1));
        List<Tensor> args = List.of(Tensor.randn(1, 37, 129), Tensor.randn(2, 129), Tensor.randn(3, 37, 1));
        Graph g = f.graph(args);
        assertEquals(1, g.equations().size(), g.toString());
        assertEquals(1, g.count("fused"), g.toString());
        Tensor expected = args.get(0).add(args.get(1)).add(args.get(2)).tanh().mul(2).sum(1);
        assertTrue(f.apply(args).allClose(expected, 1e-5, 1e-5));
    }

    @Test
    void aPerRowValueBroadcastAFewTimesIsComputedInsideItsConsumer() {
        // a two-class softmax: the row's normalizer, broadcast into [n, 2], joins the kernel that divides by it;
        // over 8 columns it is computed once by a kernel of its own (recomputing it 8 times would cost more)
        for (int classes : new int[] {2, 8}) {
            var f = Jit.jit((Tensor x) -> {
                Tensor e = x.exp();
                return e.div(e.sum(new int[] {1}, true).add(1).log());
            });
            Tensor x = Tensor.randn(9, 40, classes);
            Graph g = f.graph(x);
            assertEquals(classes == 2 ? 3 : 4, g.count("fused"), g.toString());
            Tensor e = x.exp();
            assertTrue(f.apply(x).allClose(e.div(e.sum(new int[] {1}, true).add(1).log()), 1e-6, 1e-6));
        }
    }

    @Test
    void fusedGradientMatchesEager() {
        var loss = (java.util.function.Function<Tensor, Tensor>) x -> x.mul(x).sigmoid().sub(x.exp().mul(0.5)).sum();
        Tensor x = Tensor.randn(4, 3, 50).to(DType.FLOAT64);
        var g = Jit.jit(Functional.grad(loss));
        assertTrue(g.graph(x).count("fused") >= 1, g.graph(x).toString());
        assertTrue(g.apply(x).allClose(Functional.grad(loss).apply(x), 1e-12, 1e-12));
    }

    @Test
    void recycledBuffersNeverClobberResults() {
        Tensor w = Tensor.randn(5, 16, 16);
        Tensor bias = Tensor.randn(8, 16);
        var f = Jit.jit((Tensor x) -> {
            Tensor h = x.exp().mul(0.1).matmul(w); // fused temporary into a recycled buffer, then matmul
            Tensor k = h.tanh().add(1).matmul(w).add(bias);  // another temporary; a GEMM with a bias
            return k.sigmoid().mul(h.sum(new int[] {1}, true)); // the result: a fresh buffer
        });
        Tensor x1 = Tensor.randn(6, 8, 16);
        Tensor x2 = Tensor.randn(7, 8, 16);
        Tensor r1 = f.apply(x1);
        Tensor copy = r1.copy();
        Tensor r2 = f.apply(x2);
        assertEquals(copy, r1);
        Tensor h = x2.exp().mul(0.1).matmul(w);
        Tensor expected = h.tanh().add(1).matmul(w).add(bias).sigmoid().mul(h.sum(new int[] {1}, true));
        assertEquals(2, f.graph(x1).count("matmul_add"), f.graph(x1).toString()); // with the bias, and with 0
        assertTrue(r2.allClose(expected, 1e-5, 1e-5));
        assertTrue(f.apply(x1).allClose(copy, 1e-6, 1e-6));
    }

    /**
     * A temporary read through views (a transpose feeding a GEMM) gets a recycled buffer, which must stay its own
     * until the last read of any view of it, while other temporaries of its size come and go; one that a result may
     * alias (a reshape returned) never does, so a second call cannot overwrite the first call's result.
     */
    @Test
    void temporariesReadThroughViewsKeepTheirBuffersUntilTheLastViewIsRead() {
        Tensor w = Tensor.randn(2, 24, 24);
        var f = Jit.jit((Tensor x) -> {
            Tensor s = x.tanh().mul(x);                  // a temporary, read through its transpose below
            Tensor st = s.transpose(0, 1);
            Tensor a = x.exp().mul(0.5);                 // another temporary of the same size, after s's last direct read
            Tensor b = a.add(1).matmul(w);               // and more, before the view of s is read
            Tensor c = st.matmul(b.sigmoid());           // [24, 24]: reads s through the view, last
            return java.util.List.of(c, b.mul(2).reshape(24 * 24)); // a result: a view of a fresh buffer
        });
        Tensor x1 = Tensor.randn(3, 24, 24);
        Tensor x2 = Tensor.randn(4, 24, 24);
        java.util.function.Function<Tensor, java.util.List<Tensor>> eager = x -> {
            Tensor s = x.tanh().mul(x);
            Tensor b = x.exp().mul(0.5).add(1).matmul(w);
            return java.util.List.of(s.transpose(0, 1).matmul(b.sigmoid()), b.mul(2).reshape(24 * 24));
        };
        java.util.List<Tensor> r1 = f.apply(x1);
        java.util.List<Tensor> kept = java.util.List.of(r1.get(0).copy(), r1.get(1).copy());
        java.util.List<Tensor> r2 = f.apply(x2);
        for (int k = 0; k < 2; k++) {
            assertTrue(r1.get(k).allClose(eager.apply(x1).get(k), 1e-5, 1e-5), "first call, result " + k);
            assertTrue(r2.get(k).allClose(eager.apply(x2).get(k), 1e-5, 1e-5), "second call, result " + k);
            assertEquals(kept.get(k), r1.get(k), "the first call's result " + k + " is untouched by the second");
        }
    }

    @Test
    void stackedProductsWithABiasAreOneGemmOverTheFlattenedRows() {
        Tensor w = Tensor.randn(1, 16, 12); // (the first argument is the seed)
        Tensor row = Tensor.randn(2, 1, 1, 12);
        Tensor full = Tensor.randn(3, 3, 5, 12);
        var f = Jit.jit((Tensor x) -> {
            Tensor biased = x.matmul(w).add(row); // [3, 5, 16] @ [16, 12] + a row
            Tensor summed = full.add(x.tanh().matmul(w)); // + a whole [3, 5, 12], on the left
            Tensor strided = x.permute(1, 0, 2).matmul(w).permute(1, 0, 2); // a non-contiguous stack, + 0
            return biased.mul(summed).add(strided);
        });
        Tensor x = Tensor.randn(4, 3, 5, 16);
        Tensor expected = x.matmul(w).add(row).mul(full.add(x.tanh().matmul(w)))
                .add(x.permute(1, 0, 2).matmul(w).permute(1, 0, 2));
        assertEquals(3, f.graph(x).count("matmul_add"), f.graph(x).toString());
        assertTrue(f.apply(x).allClose(expected, 1e-5, 1e-5));
        assertTrue(f.apply(x).allClose(expected, 1e-5, 1e-5)); // again, into recycled buffers
    }

    /**
     * A hidden layer's {@code relu(x @ w + b)} runs as one step whose epilogue is the ReLU, the same bits as the
     * elementwise ReLU of that step's product (NaN stays); its gradient, which reads the ReLU's output, is unchanged. A product read by
     * something else too keeps its own ReLU.
     */
    @Test
    void reluAfterAGemmIsItsEpilogue() {
        Tensor w = Tensor.randn(1, 6, 5);
        Tensor b = Tensor.vector(-0.0f, 0.5f, -1f, 0f, 2f);
        var layer = (java.util.function.Function<Tensor, Tensor>) x -> x.matmul(w).add(b).relu();
        var f = Jit.jit(layer);
        // some rows zero (their outputs are the bias, -0 included), one NaN input (its row's outputs NaN)
        Tensor x = Tensor.where(Tensor.randn(3, 7, 1).gt(-0.5), Tensor.randn(2, 7, 6), Tensor.zeros(7, 6));
        x = x.add(Tensor.where(Tensor.randn(4, 7, 6).gt(2.2), Tensor.full(Float.NaN, 7, 6), Tensor.zeros(7, 6)));
        Graph g = f.graph(x);
        assertEquals(1, g.count("matmul_add_relu"), g.toString());
        assertEquals(0, g.count("fused"), g.toString());
        // against the compiled product's own ReLU: how matmul_add rounds the bias is not this test's subject
        float[] expected = Jit.jit((Tensor v) -> v.matmul(w).add(b)).apply(x).relu().toFloatArray();
        float[] got = f.apply(x).toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "element " + i);
        }
        Tensor zeroRow = Tensor.zeros(1, 6);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(f.apply(zeroRow).toFloatArray()[0]),
                "a zero row gives relu(b)");
        var loss = (java.util.function.Function<Tensor, Tensor>) v -> layer.apply(v).square().sum();
        var grad = Jit.jit(Functional.grad(loss));
        Tensor xs = Tensor.randn(5, 7, 6);
        assertEquals(1, grad.graph(xs).count("matmul_add_relu"), grad.graph(xs).toString());
        assertTrue(grad.apply(xs).allClose(Functional.grad(loss).apply(xs), 1e-5, 1e-5));
        var shared = Jit.jit((Tensor v) -> {
            Tensor y = v.matmul(w).add(b);
            return y.relu().add(y);
        });
        assertEquals(0, shared.graph(xs).count("matmul_add_relu"), shared.graph(xs).toString());
        assertTrue(shared.apply(xs).allClose(xs.matmul(w).add(b).relu().add(xs.matmul(w).add(b)), 1e-6, 1e-6));
    }

    @Test
    void stackedProductsWithABiasOfAnotherShapeStayApart() {
        Tensor w = Tensor.randn(1, 16, 12);
        Tensor perRow = Tensor.randn(2, 5, 1); // broadcasts along m: not a row of the flattened product
        Tensor perSample = Tensor.randn(3, 3, 1, 12); // varies along the stack: neither a row nor the whole output
        var f = Jit.jit((Tensor x) -> x.matmul(w).add(perRow).mul(x.matmul(w).add(perSample)));
        Tensor x = Tensor.randn(4, 3, 5, 16);
        Tensor expected = x.matmul(w).add(perRow).mul(x.matmul(w).add(perSample));
        assertTrue(f.apply(x).allClose(expected, 1e-5, 1e-5));
    }

    @Test
    void customRulesRecomputeUnderJitAndKeepTheirDerivative() {
        // f(x) = x^3 with a deliberately "wrong" VJP (g * 7) that shows the custom rule is the one used
        var cube = Functional.customVjp("cube", (Tensor[] x) -> x[0].mul(x[0]).mul(x[0]),
                (g, in, out) -> new Tensor[] {g.mul(7)});
        var f = Jit.jit((Tensor x) -> cube.apply(new Tensor[] {x}).sum());
        assertEquals(8.0, f.apply(Tensor.scalar(2, DType.FLOAT64)).item(), 1e-12);
        assertEquals(27.0, f.apply(Tensor.scalar(3, DType.FLOAT64)).item(), 1e-12);
        var g = Jit.jit(Functional.grad((Tensor x) -> cube.apply(new Tensor[] {x}).sum()));
        assertEquals(7.0, g.apply(Tensor.scalar(3, DType.FLOAT64)).item(), 1e-12);
        assertEquals(7.0, Functional.grad(f).apply(Tensor.scalar(3, DType.FLOAT64)).item(), 1e-12);
    }

    @Test
    void tracedIndicesAreCheckedWhenThePlanRuns() {
        var f = Jit.jit((List<Tensor> a) -> Tensor.oneHot(a.get(0), 3).mul(a.get(1)).sum());
        Tensor w = Tensor.vector(1, 2, 3);
        assertEquals(4.0, f.apply(List.of(Tensor.of(new long[] {0, 2}, 2), w)).item(), 1e-6);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> f.apply(List.of(Tensor.of(new long[] {0, 3}, 2), w)));
        assertTrue(e.getMessage().contains("index 3"), e.getMessage());
    }

    @Test
    void shortRowsWithBroadcastsAndRowReductionsRunFlat() {
        var f = Jit.jit((List<Tensor> in) -> {
            Tensor z = in.get(0).add(in.get(1)).mul(in.get(2)).exp(); // [50, 3] + row [3], * column [50, 1]
            return List.of(z.sum(new int[] {1}, true), z.max(new int[] {1}, false), z.tanh());
        });
        List<Tensor> args = List.of(Tensor.randn(1, 50, 3), Tensor.randn(2, 3), Tensor.randn(3, 50, 1));
        List<Tensor> got = f.apply(args);
        Tensor z = args.get(0).add(args.get(1)).mul(args.get(2)).exp();
        assertTrue(got.get(0).allClose(z.sum(new int[] {1}, true), 1e-5, 1e-5));
        assertTrue(got.get(1).allClose(z.max(new int[] {1}, false), 1e-6, 1e-6));
        assertTrue(got.get(2).allClose(z.tanh(), 1e-6, 1e-6));
    }

    @Test
    void profileListsEveryCompiledStep() {
        Tensor w = Tensor.randn(9, 4, 3);
        var f = Jit.jit((Tensor x) -> x.matmul(w).tanh().sum());
        Tensor x = Tensor.randn(10, 5, 4);
        String table = f.profile(x, 3);
        assertTrue(table.startsWith("total "), table);
        assertEquals(f.graph(x).equations().size() + 1, table.lines().count(), table);
        assertTrue(table.contains("fused(float32[5, 3])") && table.contains("matmul_add"), table);
        var e = assertThrows(IllegalArgumentException.class, () -> f.profile(x, 0));
        assertTrue(e.getMessage().contains("repeats"), e.getMessage());
    }
}

package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.passes.Passes;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Split;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/**
 * The machinery of primitives of several outputs, seen through {@code split}: one tape node whose outputs
 * each know their index, cotangents per output (none for a piece nobody used), one graph equation.
 */
class MultiOutputTest {
    private static Tensor x() {
        return Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
    }

    @Test
    void piecesShareOneNodeAndEachKnowsItsOutput() {
        Tensor x = x();
        List<Tensor> p = x.split(1, 1, 2);
        assertSame(AutogradMeta.of(p.get(0)).gradFn, AutogradMeta.of(p.get(1)).gradFn);
        assertEquals(0, AutogradMeta.of(p.get(0)).gradFnOutput);
        assertEquals(1, AutogradMeta.of(p.get(1)).gradFnOutput);
        assertEquals("split", Autograd.gradFnName(p.get(1)));
    }

    @Test
    void backwardFromSomePiecesGivesZerosForTheOthers() {
        Tensor x = x();
        List<Tensor> p = x.split(1, 1, 2);
        p.get(1).mul(3).sum().backward();
        assertArrayEquals(new double[] {0, 3, 3, 0, 3, 3}, x.grad().toDoubleArray());
        Tensor y = x();
        List<Tensor> q = y.split(1, 1, 2);
        q.get(0).square().sum().add(q.get(1).sum()).backward(); // both outputs' cotangents reach one node
        assertArrayEquals(new double[] {2, 1, 1, 8, 1, 1}, y.grad().toDoubleArray());
    }

    /** Gradients with respect to output 1 of a node: the cotangent of that output, not of output 0. */
    @Test
    void gradWithRespectToOnePieceCapturesThatOutput() {
        Tensor x = x();
        List<Tensor> p = x.split(1, 1, 2);
        Tensor loss = p.get(0).sum().mul(100).add(p.get(1).square().sum());
        Tensor[] g = Autograd.grad(loss, new Tensor[] {p.get(1), p.get(0)}, null, false, false);
        assertArrayEquals(p.get(1).mul(2).toDoubleArray(), g[0].toDoubleArray());
        assertArrayEquals(new double[] {100, 100}, g[1].toDoubleArray());
    }

    @Test
    void vjpOfSeveralOutputsTakesOneCotangentEachOrNull() {
        Functional.VjpNResult r = Functional.vjpN(xs -> Ops.bindAll(new Split(0, new int[] {1, 2}), xs[0].exp()),
                new Tensor[] {Tensor.of(new double[] {0, 1, 2}, 3)});
        assertEquals(2, r.values().length);
        Tensor[] ct = r.pullback().apply(new Tensor[] {null, Tensor.of(new double[] {1, -1}, 2)});
        assertArrayEquals(new double[] {0, Math.E, -Math.exp(2)}, ct[0].toDoubleArray(), 1e-12);
        Tensor[] none = r.pullback().apply(new Tensor[] {null, null});
        assertArrayEquals(new double[] {0, 0, 0}, none[0].toDoubleArray());
    }

    @Test
    void forwardModeGivesATangentPerOutput() {
        Functional.TreeJvpResult<List<Tensor>> r = Functional.treeJvp((Tensor v) -> v.square().split(0, 2, 1),
                Tensor.of(new double[] {1, 2, 3}, 3), Tensor.of(new double[] {1, 1, 1}, 3));
        assertArrayEquals(new double[] {2, 4}, r.tangent().get(0).toDoubleArray());
        assertArrayEquals(new double[] {6}, r.tangent().get(1).toDoubleArray());
    }

    @Test
    void oneEquationPerSplitAndEqualSplitsMerge() {
        Graph g = Jit.makeGraph((Tensor v) -> {
            Tensor a = v.split(1, 1, 2).get(1);
            Tensor b = v.split(1, 1, 2).get(0);
            return a.sum().add(b.sum());
        }, Tensor.zeros(org.fluxion.tensor.DType.FLOAT32, 2, 3));
        assertEquals(2, g.count("split"));
        assertTrue(g.toString().matches("(?s).*\\w+:float32\\[2, 1] \\w+:float32\\[2, 2] = split\\[axis=1, sizes=\\[1, 2]] a.*"),
                g.toString());
        Graph optimized = Passes.optimize(g);
        assertEquals(1, optimized.count("split"), optimized.toString());
    }

    /**
     * A user's primitive of several outputs through the open door: {@code (sin x, cos x)} from one kernel,
     * its rules written once for both outputs.
     */
    record SinCos() implements CustomMultiOutput {
        @Override
        public String name() {
            return "sincos";
        }

        @Override
        public TensorType[] outputTypes(TensorType... in) {
            return new TensorType[] {in[0], in[0]};
        }

        @Override
        public Tensor[] computeAll(TensorType[] outs, Tensor... in) {
            Tensor x = Autograd.detach(in[0]);
            return new Tensor[] {x.sin(), x.cos()};
        }

        /** {@code g_sin cos x - g_cos sin x}, a missing cotangent counting as zero. */
        @Override
        public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
            Tensor fromSin = g[0] == null ? null : g[0].mul(in[0].cos());
            Tensor fromCos = g[1] == null ? null : g[1].mul(in[0].sin()).neg();
            return new Tensor[] {fromSin == null ? fromCos : fromCos == null ? fromSin : fromSin.add(fromCos)};
        }

        @Override
        public Tensor[] jvpAll(Tensor[] in, Tensor[] t, Tensor[] outs) {
            return new Tensor[] {t[0].mul(in[0].cos()), t[0].mul(in[0].sin()).neg()};
        }

        @Override
        public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
            return Ops.bindAll(this, in[0]); // elementwise: the batch is one more axis
        }
    }

    @Test
    void aUsersPrimitiveOfSeveralOutputsIsDifferentiableCompiledAndBatched() {
        Function<Tensor[], Tensor> f = x -> {
            Tensor[] sc = Ops.bindAll(new SinCos(), x[0]);
            return sc[0].mul(sc[1].exp());
        };
        Function<Tensor[], Tensor> onlyCos = x -> Ops.bindAll(new SinCos(), x[0])[1].square();
        Tensor x = Tensor.of(new double[] {0.3, -1.2, 2.0}, 3);
        GradCheck.check("sincos", f, new Tensor[] {x}, 1e-6, 2, 1);
        GradCheck.check("sincos, cos only", onlyCos, new Tensor[] {x}, 1e-6, 2, 2);
        Tensor expected = x.sin().mul(x.cos().exp());
        assertArrayEquals(expected.toDoubleArray(), Jit.jit((Tensor v) -> f.apply(new Tensor[] {v})).apply(x)
                .toDoubleArray(), 1e-12);
        Tensor batch = Tensor.stack(0, x, x.mul(2));
        Tensor batched = Vmap.vmap((Tensor v) -> f.apply(new Tensor[] {v})).apply(batch);
        assertArrayEquals(Tensor.stack(0, expected, f.apply(new Tensor[] {x.mul(2)})).toDoubleArray(),
                batched.toDoubleArray(), 1e-12);
    }

    @Test
    void anIntegerOutputIsNotTracked() {
        Tensor x = Tensor.of(new double[] {3, 1, 2}, 3).requiresGrad(true);
        assertNull(AutogradMeta.of(x.topk(2).indices()));
    }
}

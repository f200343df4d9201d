package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.passes.Passes;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Split;
import org.fluxion.tensor.Tensor;
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
        assertSame(p.get(0).autogradMeta().gradFn, p.get(1).autogradMeta().gradFn);
        assertEquals(0, p.get(0).autogradMeta().gradFnOutput);
        assertEquals(1, p.get(1).autogradMeta().gradFnOutput);
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

    @Test
    void anIntegerOutputIsNotTracked() {
        Tensor x = Tensor.of(new double[] {3, 1, 2}, 3).requiresGrad(true);
        assertNull(x.topk(2).indices().autogradMeta());
    }
}

package org.fluxion.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.ops.Levels;
import org.fluxion.tensor.ConcretizationException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * vmap as an interpreter of per-example tensors: how it meets the other transformations active on the thread
 * (levels shared with jit's traces), control flow whose functions capture its tensors, and the errors of
 * abstract tensors (read, escaped).
 */
class VmapInterpreterTest {
    private static final double TOL = 1e-12;

    private static Tensor randn64(long seed, int... dims) {
        return Tensor.randn(seed, dims).to(DType.FLOAT64);
    }

    private static Tensor loop(Function<Tensor, Tensor> f, Tensor x) {
        List<Tensor> outs = new ArrayList<>();
        for (int b = 0; b < x.dim(0); b++) {
            outs.add(f.apply(x.select(0, b)));
        }
        return Tensor.stack(0, outs);
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        assertTrue(actual.allClose(expected, TOL, TOL), () -> "expected " + expected + " got " + actual);
    }

    @Test
    void loopsWhoseFunctionsCaptureBatchedTensorsRunPerExample() {
        // The number of iterations depends on the example; the body and the condition capture x.
        Function<Tensor, Tensor> f = x -> Control.whileLoop((List<Tensor> c) -> c.get(0).lt(x.abs().sum().mul(2)),
                c -> List.of(c.get(0).add(1), c.get(1).mul(x.cos()).add(x)), List.of(Tensor.scalar(0.0), x)).get(1);
        Tensor xs = randn64(3, 4, 3);
        assertClose(loop(f, xs), Vmap.vmap(f).apply(xs));
        assertClose(loop(f, xs), Jit.jit(Vmap.vmap(f)).apply(xs));
        Function<Tensor, Tensor> scan = x -> Control.scan((Tensor h, Tensor xt) -> new Control.Step<>(
                h.mul(0.5).add(xt.mul(x.sum())).tanh(), h.mul(xt)), x.sum(), x).ys();
        assertClose(loop(scan, xs), Vmap.vmap(scan).apply(xs));
        Function<Tensor, Tensor> cond = x -> Control.cond(x.sum().gt(0), v -> v.exp(), v -> v.mul(x), x);
        assertClose(loop(cond, xs), Vmap.vmap(cond).apply(xs));
    }

    @Test
    void vmapInsideALoopBodyInsideVmap() {
        Tensor ys = randn64(5, 3, 2);
        // For each x: two iterations of c -> sum_j tanh(ys_j * c) + x, the inner vmap over the rows of ys.
        Function<Tensor, Tensor> f = x -> Control.fori(0, 2,
                (i, c) -> Vmap.vmap((Tensor y) -> y.mul(c).tanh()).apply(ys).sum(0).add(x), x);
        Tensor xs = randn64(6, 4, 2);
        assertClose(loop(f, xs), Vmap.vmap(f).apply(xs));
        assertClose(loop(Functional.grad((Tensor x) -> f.apply(x).sum()), xs),
                Vmap.vmap(Functional.grad((Tensor x) -> f.apply(x).sum())).apply(xs));
    }

    @Test
    void jitInsideVmapInsideJit() {
        var inner = Jit.jit((Tensor v) -> v.sin().mul(v.sum()));
        Function<Tensor, Tensor> f = x -> inner.apply(x).add(Vmap.vmap((Tensor r) -> r.mul(x.sum())).apply(x.reshape(2, 2))
                .reshape(4));
        Tensor xs = randn64(7, 3, 4);
        Tensor expected = loop(f, xs);
        assertClose(expected, Vmap.vmap(f).apply(xs));
        assertClose(expected, Jit.jit(Vmap.vmap(f)).apply(xs));
        assertEquals(-1, Levels.top(), "every level was left");
    }

    @Test
    void argumentsTheSameForEveryExampleAreComputedWithOnce() {
        Tensor w = randn64(8, 3);
        Tensor xs = randn64(9, 5, 3);
        var f = Vmap.vmapN((Tensor[] a) -> new Tensor[] {a[0].exp().sum(), a[1].mul(a[0].exp())}, -1, 0);
        Tensor[] out = f.apply(new Tensor[] {w, xs});
        assertEquals(List.of(5), List.of(out[0].dims()[0]), "a result of the shared argument alone is broadcast");
        assertClose(loop(x -> w.exp().sum(), xs), out[0]);
        assertClose(loop(x -> x.mul(w.exp()), xs), out[1]);
    }

    @Test
    void readingAValueInsideVmapSaysWhy() {
        var f = Vmap.vmap((Tensor x) -> x.sum().item() > 0 ? x : x.neg());
        ConcretizationException e = assertThrows(ConcretizationException.class, () -> f.apply(randn64(1, 3, 2)));
        assertTrue(e.getMessage().contains("vmap"), e.getMessage());
        assertEquals(-1, Levels.top(), "the level was left after the exception");
    }

    @Test
    void aTensorKeptFromInsideVmapIsReportedWhenUsed() {
        Tensor[] kept = new Tensor[1];
        Vmap.vmap((Tensor x) -> {
            kept[0] = x.exp();
            return x;
        }).apply(randn64(2, 3, 2));
        EscapedTracerException e = assertThrows(EscapedTracerException.class, () -> kept[0].add(1));
        assertTrue(e.getMessage().contains("vmap"), e.getMessage());
    }

    @Test
    void aBatchingRuleOfTheWrongShapeIsADefectNamedAtOnce() {
        // Checked for every rule by PrimitiveRulesTest's vmap column; here the check itself.
        BatchInterpreter batch = new BatchInterpreter(0, 3);
        Tensor wrong = Tensor.zeros(DType.FLOAT64, 2, 4);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> batch.process(new org.fluxion.ops.Unary(org.fluxion.ops.UnaryOp.EXP),
                        new org.fluxion.tensor.TensorType[] {new org.fluxion.tensor.TensorType(
                                org.fluxion.tensor.Shape.of(4), DType.FLOAT64)},
                        new Tensor[] {batch.wrap(wrong, true)}));
        assertTrue(e.getMessage().contains("batching rule of exp"), e.getMessage());
    }
}

package org.fluxion.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;
import org.junit.jupiter.api.Test;

class RematTest {
    private static final double TOL = 1e-12;

    private static Tensor randn64(long seed, int... dims) {
        return Tensor.randn(seed, dims).to(DType.FLOAT64);
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        assertTrue(actual.allClose(expected, TOL, TOL), () -> "expected " + expected + " got " + actual);
    }

    /** A block of a network: {@code tanh(x @ W + b)} summed with a sine, several intermediates. */
    private static Tensor block(Tensor[] a) {
        Tensor h = a[0].matmul(a[1]).add(a[2]).tanh();
        return h.mul(h.sin()).sum();
    }

    private static Tensor[] blockArgs() {
        return new Tensor[] {randn64(1, 4, 3), randn64(2, 3, 5), randn64(3, 5)};
    }

    @Test
    void gradientsEqualTheUncheckpointedOnes() {
        Tensor[] args = blockArgs();
        var plain = Functional.valueAndGrad(RematTest::block).apply(args);
        var remat = Functional.valueAndGrad(Remat.checkpointN(RematTest::block)).apply(args);
        assertClose(plain.value(), remat.value());
        for (int i = 0; i < args.length; i++) {
            assertClose(plain.grads()[i], remat.grads()[i]);
        }
    }

    @Test
    void secondOrderEqualsTheUncheckpointedOne() {
        Function<Tensor, Tensor> f = x -> x.tanh().mul(x.sin()).mul(x).sum();
        Function<Tensor, Tensor> cf = Remat.checkpoint(f);
        Tensor x = randn64(10, 2, 3);
        Tensor v = randn64(11, 2, 3);
        // forward over reverse
        assertClose(Functional.hvp(f, x, v), Functional.hvp(cf, x, v));
        // reverse over reverse
        Function<Tensor, Tensor> gv = y -> Functional.grad(f).apply(y).mul(v).sum();
        Function<Tensor, Tensor> cgv = y -> Functional.grad(cf).apply(y).mul(v).sum();
        assertClose(Functional.grad(gv).apply(x), Functional.grad(cgv).apply(x));
        // third order, reverse over reverse over reverse
        assertClose(Functional.grad(y -> Functional.grad(gv).apply(y).sum()).apply(x),
                Functional.grad(y -> Functional.grad(cgv).apply(y).sum()).apply(x));
        // forward mode
        assertClose(Functional.jvp(f, x, v).tangent(), Functional.jvp(cf, x, v).tangent());
    }

    @Test
    void theTapeHoldsOneNodeForTheWholeFunction() {
        Tensor[] args = blockArgs();
        for (Tensor t : args) {
            t.requiresGrad(true);
        }
        Tensor y = Remat.checkpointN(RematTest::block).apply(args);
        assertEquals("checkpoint", Autograd.gradFnName(y));
        assertEquals("sum", Autograd.gradFnName(block(args)));
    }

    /**
     * x^2 with a call counter and a weak reference to every result it computes, to see how often the
     * forward pass runs and whether the tape keeps its result.
     */
    record CountedSquare(AtomicInteger calls, List<WeakReference<Tensor>> results) implements CustomPrimitive {
        @Override
        public String name() {
            return "countedSquare";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            return in[0];
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            calls.incrementAndGet();
            Tensor x = Autograd.detach(in[0]);
            Tensor y = x.mul(x);
            results.add(new WeakReference<>(y));
            return y;
        }

        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {g.mul(in[0]).mul(2)};
        }

        @Override
        public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
            return t[0].mul(in[0]).mul(2);
        }

        /** Elementwise on one input: the batch axis is one more axis. */
        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Ops.bind(this, in);
        }
    }

    /** How many checkpoint equations {@code f}'s traced graph at {@code x} holds. */
    private static long count(Function<Tensor, Tensor> f, Tensor x) {
        return Jit.makeGraph(f, x).equations().stream().filter(e -> e.primitive() instanceof Remat.Call).count();
    }

    @Test
    void forwardRunsTwiceAndItsIntermediatesAreNotKept() {
        for (boolean checkpointed : new boolean[] {false, true}) {
            CountedSquare sq = new CountedSquare(new AtomicInteger(), new ArrayList<>());
            // the square's result is read by the backward of exp (which keeps its input): kept unless remat
            Function<Tensor, Tensor> f = x -> Ops.bind(sq, x).exp().sum();
            Function<Tensor, Tensor> g = checkpointed ? Remat.checkpoint(f) : f;
            Tensor x = randn64(20, 50).requiresGrad(true);
            Tensor loss = g.apply(x);
            assertEquals(1, sq.calls().get(), "forward runs of the square before backward");
            boolean collected = collected(sq.results().get(0));
            assertEquals(checkpointed, collected, checkpointed ? "remat must not keep f's intermediates"
                    : "the tape keeps the square's result for exp's backward");
            loss.backward();
            assertEquals(checkpointed ? 2 : 1, sq.calls().get(), "forward runs of the square after backward");
            assertClose(x.mul(x).exp().mul(x).mul(2), x.grad());
        }
    }

    /** Whether the referent is collected within a few GC cycles. */
    private static boolean collected(WeakReference<Tensor> ref) {
        return org.fluxion.autodiff.GcProbe.collected(ref);
    }

    @Test
    void worksUnderJit() {
        Function<Tensor, Tensor> f = x -> x.tanh().mul(x.cos()).sum();
        Tensor x = randn64(30, 3, 4);
        Tensor expected = Functional.grad(f).apply(x);
        var jitted = Jit.jit(Functional.grad(Remat.checkpoint(f)));
        assertClose(expected, jitted.apply(x));
        assertClose(expected, jitted.apply(x)); // the cached plan
        Tensor x2 = randn64(31, 3, 4);
        assertClose(Functional.grad(f).apply(x2), jitted.apply(x2));
        Graph traced = jitted.tracedGraph(x);
        assertEquals(1, traced.count("checkpoint"), traced::toString);
        // grad of jit of checkpoint, and a captured tracer of the jit trace
        assertClose(expected, Functional.grad(Jit.jit(Remat.checkpoint(f))).apply(x));
        var captures = Jit.jit((Tensor y) -> {
            Tensor s = y.sum();
            return Functional.grad(Remat.checkpoint((Tensor z) -> z.mul(s).tanh().sum())).apply(y);
        });
        Tensor s = x.sum();
        assertClose(Functional.grad((Tensor z) -> z.mul(s).tanh().sum()).apply(x), captures.apply(x));
    }

    @Test
    void capturedParametersGetTheirGradients() {
        Tensor w = randn64(40, 3, 3).requiresGrad(true);
        Tensor x = randn64(41, 2, 3).requiresGrad(true);
        // w is used inside the checkpointed block (captured, and through a value computed from it) and outside
        Function<Tensor, Tensor> inner = h -> h.matmul(w).tanh().matmul(w.mul(2)).sin();
        List<Tensor> plain = gradsOf(inner, x, w);
        List<Tensor> remat = gradsOf(Remat.checkpoint(inner), x, w);
        assertClose(plain.get(0), remat.get(0));
        assertClose(plain.get(1), remat.get(1));
    }

    private static List<Tensor> gradsOf(Function<Tensor, Tensor> block, Tensor x, Tensor w) {
        x.zeroGrad();
        w.zeroGrad();
        Tensor h = block.apply(x.mul(1.5));
        h = block.apply(h); // two blocks in a chain, sharing w
        h.sum().add(w.square().sum()).backward();
        return List.of(x.grad(), w.grad());
    }

    @Test
    void vmapOfGradOfACheckpointedFunction() {
        Function<Tensor, Tensor> f = x -> x.tanh().mul(x).sum();
        Tensor xs = randn64(50, 5, 3);
        Tensor g = Vmap.vmap(Functional.grad(Remat.checkpoint(f))).apply(xs);
        List<Tensor> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            expected.add(Functional.grad(f).apply(xs.select(0, i)));
        }
        assertClose(Tensor.stack(0, expected), g);
        // Remat's rule batches its forward graph: one checkpoint for the batch, not one per example
        Function<Tensor, Tensor> gradF = Functional.grad(Remat.checkpoint(f));
        assertEquals(count(gradF, xs.select(0, 0)), count(Vmap.vmap(gradF), xs));
        // grad of vmap of a checkpointed function
        Tensor gv = Functional.grad((Tensor v) -> Vmap.vmap(Remat.checkpoint(f)).apply(v).sum()).apply(xs);
        assertClose(Functional.grad(f).apply(xs), gv);
    }

    @Test
    void noGradModeJustComputes() {
        Function<Tensor, Tensor> f = x -> x.exp().sum();
        Tensor x = randn64(60, 4).requiresGrad(true);
        try (var mode = GradMode.noGrad()) {
            Tensor y = Remat.checkpoint(f).apply(x);
            assertNull(Autograd.gradFnName(y));
            assertClose(f.apply(x.detach()), y);
        }
        assertNotNull(Autograd.gradFnName(Remat.checkpoint(f).apply(x)));
    }
}

package org.fluxion.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.ops.Batching;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;
import org.junit.jupiter.api.Test;

class VmapTest {
    private static final double TOL = 1e-12;

    private static Tensor randn64(long seed, int... dims) {
        return Tensor.randn(seed, dims).to(DType.FLOAT64);
    }

    /** {@code f} applied to slice b of axis {@code axis} of x, for every b, stacked on axis 0. */
    private static Tensor loop(Function<Tensor, Tensor> f, Tensor x, int axis) {
        List<Tensor> outs = new ArrayList<>();
        for (int b = 0; b < x.dim(axis); b++) {
            outs.add(f.apply(x.select(axis, b)));
        }
        return Tensor.stack(0, outs);
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertEquals(expected.shape(), actual.shape());
        assertTrue(actual.allClose(expected, TOL, TOL), () -> "expected " + expected + " got " + actual);
    }

    /** How many equations of {@code f}'s traced graph at {@code x} apply the primitive named {@code name}. */
    private static long count(Function<Tensor, Tensor> f, Tensor x, String name) {
        return Jit.makeGraph(f, x).equations().stream().filter(e -> e.primitive().name().equals(name)).count();
    }

    /**
     * Asserts that {@code vmap(f)} on the batch {@code xs} applies each named primitive {@code times} as
     * often as {@code f} does on one example: 1 for a batching rule of one call, the batch size for a
     * primitive that chose {@link org.fluxion.ops.Batching#byLoop}.
     */
    private static void assertCalls(Function<Tensor, Tensor> f, Tensor xs, int times, String... names) {
        for (String name : names) {
            long perExample = count(f, xs.select(0, 0), name);
            assertTrue(perExample > 0, name + " is not in the per-example graph");
            assertEquals(times * perExample, count(Vmap.vmap(f), xs, name), name + ": equations in vmap's graph");
        }
    }

    @Test
    void elementwiseAndReductionsPerExample() {
        Function<Tensor, Tensor> f = x -> x.sin().mul(x).add(1).sum();
        Tensor x = randn64(1, 5, 3);
        Tensor y = Vmap.vmap(f).apply(x);
        assertClose(loop(f, x, 0), y);
        assertEquals(List.of(5), List.of(y.dims()[0]));
    }

    /** Logistic loss of one example: {@code log(1 + exp(-y * x.w))}, x [d], y [] (+1 or -1), w [d]. */
    private static Tensor logistic(Tensor w, Tensor x, Tensor y) {
        Tensor margin = x.mul(w).sum().mul(y);
        return margin.neg().exp().add(1).log();
    }

    @Test
    void perExampleGradientsOfLogisticRegressionMatchAJavaLoop() {
        int n = 7;
        int d = 4;
        Tensor w = randn64(2, d);
        Tensor xs = randn64(3, n, d);
        Tensor ys = randn64(4, n).sign();
        var perExample = Vmap.vmapN(a -> new Tensor[] {
            Functional.grad((Tensor v) -> logistic(v, a[1], a[2])).apply(a[0])}, -1, 0, 0);
        Tensor g = perExample.apply(new Tensor[] {w, xs, ys})[0];
        List<Tensor> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tensor xi = xs.select(0, i);
            Tensor yi = ys.select(0, i);
            expected.add(Functional.grad((Tensor v) -> logistic(v, xi, yi)).apply(w));
        }
        assertClose(Tensor.stack(0, expected), g);
    }

    @Test
    void perExampleGradientsOfLinearRegressionWithoutALoop() {
        Tensor w = randn64(5, 3);
        Tensor xs = randn64(6, 9, 3);
        Tensor ys = randn64(7, 9);
        var perExample = Vmap.vmapN(a -> new Tensor[] {
            Functional.grad((Tensor v) -> a[1].mul(v).sum().sub(a[2]).square()).apply(a[0])}, -1, 0, 0);
        Tensor g = perExample.apply(new Tensor[] {w, xs, ys})[0];
        // d/dw (x.w - y)^2 = 2 (x.w - y) x
        Tensor residual = xs.matmul(w).sub(ys);
        assertClose(xs.mul(residual.unsqueeze(1)).mul(2), g);
    }

    private static Tensor mlpLoss(Map<String, Tensor> p, Tensor x, Tensor y) {
        Tensor h = x.matmul(p.get("W1")).add(p.get("b1")).tanh();
        return h.matmul(p.get("W2")).add(p.get("b2")).sub(y).square().sum();
    }

    @Test
    @SuppressWarnings("unchecked")
    void perExampleGradientsOfAnMlpMatchAJavaLoop() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("W1", randn64(10, 3, 5));
        params.put("b1", randn64(11, 5));
        params.put("W2", randn64(12, 5, 2));
        params.put("b2", randn64(13, 2));
        Tensor xs = randn64(14, 6, 3);
        Tensor ys = randn64(15, 6, 2);
        Function<List<Object>, Map<String, Tensor>> one = a -> Functional.treeGrad(
                (Map<String, Tensor> p) -> mlpLoss(p, (Tensor) a.get(1), (Tensor) a.get(2)))
                .apply((Map<String, Tensor>) a.get(0));
        var perExample = Vmap.treeVmap(one, List.of(-1, 0, 0));
        Map<String, Tensor> g = perExample.apply(List.of(params, xs, ys));
        for (String k : params.keySet()) {
            List<Tensor> expected = new ArrayList<>();
            for (int i = 0; i < xs.dim(0); i++) {
                expected.add(one.apply(List.of(params, xs.select(0, i), ys.select(0, i))).get(k));
            }
            assertClose(Tensor.stack(0, expected), g.get(k));
        }
    }

    @Test
    void unbatchedArgumentAndBatchAxisOtherThanZero() {
        Tensor x = randn64(20, 3, 5); // the batch of 5 is axis 1
        Tensor w = randn64(21, 3, 4);
        var f = Vmap.vmapN(a -> new Tensor[] {a[0].matmul(a[1]).tanh()}, 1, -1);
        Tensor y = f.apply(new Tensor[] {x, w})[0];
        assertClose(loop(v -> v.matmul(w).tanh(), x, 1), y);
        var g = Vmap.vmapN(a -> new Tensor[] {a[0].matmul(a[1]).tanh()}, new int[] {1, -1}, new int[] {1});
        assertClose(y.transpose(), g.apply(new Tensor[] {x, w})[0]);
        var h = Vmap.vmap(v -> v.mul(2), 1, 0);
        assertClose(loop(v -> v.mul(2), x, 1), h.apply(x));
    }

    @Test
    void nestedVmapComputesAPairwiseMatrix() {
        Tensor xs = randn64(30, 4, 3);
        Tensor ys = randn64(31, 6, 3);
        Function<Tensor[], Tensor[]> dist = a -> new Tensor[] {a[0].sub(a[1]).square().sum().sqrt()};
        // inner: one x against every y; outer: every x
        var inner = Vmap.vmapN(dist, -1, 0);
        var outer = Vmap.vmapN(a -> inner.apply(a), 0, -1);
        Tensor d = outer.apply(new Tensor[] {xs, ys})[0];
        assertEquals(List.of(4, 6), List.of(d.dims()[0], d.dims()[1]));
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                Tensor e = dist.apply(new Tensor[] {xs.select(0, i), ys.select(0, j)})[0];
                assertEquals(e.item(), d.get(i, j), TOL);
            }
        }
    }

    @Test
    void nestedVmapWithACapturedOuterValue() {
        Tensor xs = randn64(32, 4, 3);
        Tensor ys = randn64(33, 5, 3);
        var f = Vmap.vmapN(a -> {
            Tensor x = a[0];
            Tensor scale = x.sum(); // a value of the outer trace, captured by the inner function
            return Vmap.vmapN(b -> new Tensor[] {b[0].mul(scale).add(x)}, 0).apply(new Tensor[] {a[1]});
        }, 0, -1);
        Tensor r = f.apply(new Tensor[] {xs, ys})[0];
        for (int i = 0; i < 4; i++) {
            Tensor x = xs.select(0, i);
            assertClose(ys.mul(x.sum()).add(x), r.select(0, i));
        }
    }

    @Test
    void vmapUnderJitAndGradOfVmap() {
        Function<Tensor, Tensor> f = x -> x.tanh().mul(x).sum();
        Tensor x = randn64(40, 6, 4);
        var batched = Vmap.vmap(f);
        Tensor expected = loop(f, x, 0);
        var jitted = Jit.jit(batched);
        assertClose(expected, jitted.apply(x));
        assertClose(expected, jitted.apply(x)); // the cached plan
        Tensor g = Functional.grad((Tensor v) -> batched.apply(v).sum()).apply(x);
        assertClose(Functional.grad((Tensor v) -> f.apply(v)).apply(x), g); // f sums over everything already
        // jvp through vmap, and vmap of grad under jit
        Tensor t = randn64(41, 6, 4);
        assertClose(Functional.jvp(v -> loop(f, v, 0), x, t).tangent(), Functional.jvp(batched, x, t).tangent());
        assertClose(loop(Functional.grad(f), x, 0), Jit.jit(Vmap.vmap(Functional.grad(f))).apply(x));
    }

    @Test
    void runsTheFunctionOncePerCallNotOncePerExample() {
        int[] calls = {0};
        var f = Vmap.vmap((Tensor x) -> {
            calls[0]++;
            assertEquals(List.of(2), List.of(x.dim(0)), "the function sees one example's shape");
            return x.exp();
        });
        Tensor x = randn64(50, 5, 2);
        assertClose(x.exp(), f.apply(x));
        f.apply(randn64(51, 9, 2));
        assertEquals(2, calls[0]);
    }

    @Test
    void movementIndexingAndReductionRules() {
        Tensor idx = Tensor.of(new long[] {2, 0, 1, 2}, 4);
        Function<Tensor, Tensor> f = x -> {
            Tensor a = x.slice(0, 1, 4, 2).pad(new int[] {1, 2}, 0.5);           // [5]
            Tensor b = Tensor.concat(0, a, x.reshape(2, 2).permute(1, 0).reshape(4)); // [9]
            Tensor c = x.gather(0, idx).add(x.expand(3, 4).sum(0));            // [4]
            Tensor m = Tensor.where(x.gt(0), x, x.mul(0.1));                    // [4]
            Tensor s = Tensor.zeros(DType.FLOAT64, 3).scatterAdd(0, Tensor.of(new long[] {0, 2, 2, 1}, 4), m);
            Tensor am = x.argmax(0, false).to(DType.FLOAT64);
            return Tensor.concat(0, b, c, s, am.reshape(1), x.max(new int[] {0}, true),
                    x.reshape(2, 2).prod(new int[] {1}, false));
        };
        Tensor x = randn64(60, 5, 4);
        assertClose(loop(f, x, 0), Vmap.vmap(f).apply(x));
    }

    @Test
    void batchedIndicesAndUnbatchedData() {
        Tensor table = randn64(61, 6, 3);
        Tensor rows = Tensor.of(new long[] {5, 0, 2, 2}, 4);
        // gather, not indexSelect: indexSelect checks index values eagerly, which tracing cannot do
        var lookup = Vmap.vmapN(a -> new Tensor[] {a[0].gather(0, a[1].reshape(1, 1).expand(1, 3)).sum()}, -1, 0);
        Tensor r = lookup.apply(new Tensor[] {table, rows})[0];
        for (int i = 0; i < 4; i++) {
            assertEquals(table.select(0, (int) rows.getLong(i)).sum().item(), r.get(i), TOL);
        }
    }

    /** A user's primitive that batches by the loop: x^3 elementwise. */
    record Cube() implements CustomPrimitive {
        @Override
        public String name() {
            return "cube";
        }

        @Override
        public TensorType outputType(TensorType... in) {
            return in[0];
        }

        @Override
        public Tensor compute(TensorType out, Tensor... in) {
            Tensor x = Autograd.detach(in[0]);
            return x.mul(x).mul(x);
        }

        @Override
        public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
            return new Tensor[] {g.mul(in[0].square()).mul(3)};
        }

        /** The named loop, as a user's primitive without a rule of one call would choose. */
        @Override
        public Tensor batch(Tensor[] in, boolean[] batched, int size) {
            return Batching.byLoop(this, in, batched, size);
        }
    }

    @Test
    void primitiveThatChoosesTheLoopRunsOncePerExample() {
        Function<Tensor, Tensor> f = x -> Ops.bind(new Cube(), x).sum(new int[] {1}, false);
        Tensor x = randn64(70, 4, 2, 3);
        assertClose(loop(f, x, 0), Vmap.vmap(f).apply(x));
        assertCalls(f, x, 4, "cube");
        Tensor g = Functional.grad((Tensor v) -> Vmap.vmap(f).apply(v).sum()).apply(x);
        assertClose(x.square().mul(3), g);
    }

    @Test
    void resultIndependentOfTheBatchIsBroadcast() {
        Tensor c = Tensor.vector(1, 2).to(DType.FLOAT64);
        Tensor r = Vmap.vmap(x -> c.mul(2)).apply(randn64(80, 3, 5));
        assertClose(Tensor.stack(0, c.mul(2), c.mul(2), c.mul(2)), r);
    }

    @Test
    void disagreeingBatchSizesNameBothArgumentsAndSizes() {
        var f = Vmap.vmapN(a -> new Tensor[] {a[0].add(a[1])}, 0, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> f.apply(new Tensor[] {Tensor.ones(3, 2), Tensor.ones(2, 5)}));
        String m = e.getMessage();
        assertTrue(m.contains("argument 0") && m.contains("argument 1") && m.contains("size 3")
                && m.contains("size 5"), m);
    }

    @Test
    void axisOutOfRangeAndMismatchedInAxesAreReported() {
        var f = Vmap.vmapN(a -> new Tensor[] {a[0].add(a[1])}, 0, 2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> f.apply(new Tensor[] {Tensor.ones(3, 2), Tensor.ones(3, 2)}));
        assertTrue(e.getMessage().contains("in_axes 2 of argument 1") && e.getMessage().contains("out of range"),
                e.getMessage());
        var g = Vmap.vmapN(a -> a, 0);
        var e2 = assertThrows(IllegalArgumentException.class, () -> g.apply(new Tensor[] {Tensor.ones(3), Tensor.ones(3)}));
        assertTrue(e2.getMessage().contains("1 in_axes for 2 arguments"), e2.getMessage());
        var h = Vmap.vmapN(a -> a, -1);
        var e3 = assertThrows(IllegalArgumentException.class, () -> h.apply(new Tensor[] {Tensor.ones(3)}));
        assertTrue(e3.getMessage().contains("no argument is batched"), e3.getMessage());
        var k = Vmap.vmap(x -> x, 0, 2);
        var e4 = assertThrows(IllegalArgumentException.class, () -> k.apply(Tensor.ones(3, 2)));
        assertTrue(e4.getMessage().contains("out_axes 2"), e4.getMessage());
    }

    @Test
    void capturedParameterGetsItsGradientThroughVmap() {
        Tensor w = randn64(90, 3).requiresGrad(true);
        Tensor xs = randn64(91, 5, 3);
        var f = Vmap.vmap((Tensor x) -> x.mul(w).sum().tanh());
        for (int round = 0; round < 2; round++) { // twice: a second call must not reuse a stale recording
            w.zeroGrad();
            f.apply(xs).sum().backward();
            Tensor expected = Functional.grad((Tensor v) -> xs.mul(v).sum(new int[] {1}, false).tanh().sum()).apply(w);
            assertClose(expected, w.grad());
        }
    }

    @Test
    void convolutionAndPoolingRulesAndPerExampleConvGradients() {
        Conv2dOptions conv = Conv2dOptions.of(1, 1);
        Tensor w = randn64(100, 4, 2, 3, 3);
        // one example is a small batch of images [N=2, C=2, 6, 6]
        Function<Tensor, Tensor> f = x -> {
            Tensor h = Convolutions.conv2d(x, w, null, conv).tanh();
            return Convolutions.maxPool2d(h, Pool2dOptions.of(2)).add(Convolutions.avgPool2d(h, Pool2dOptions.of(2)))
                    .square().sum();
        };
        Tensor xs = randn64(101, 3, 2, 2, 6, 6);
        assertClose(loop(f, xs, 0), Vmap.vmap(f).apply(xs));
        assertCalls(f, xs, 1, "conv2d", "maxPool2d", "avgPool2d");
        // per-example gradients: the input gradient, pooling gradients and (by the loop) the weight gradient
        Tensor gx = Vmap.vmap(Functional.grad(f)).apply(xs);
        assertClose(loop(Functional.grad(f), xs, 0), gx);
        // conv2dInputGrad, maxPool2dGrad, avgPool2dGrad have rules of one call
        assertCalls(Functional.grad(f), xs, 1, "conv2dInputGrad", "maxPool2dGrad", "avgPool2dGrad");
        var perExampleW = Vmap.vmapN(a -> new Tensor[] {Functional.grad((Tensor v) -> {
            Tensor h = Convolutions.conv2d(a[1], v, null, conv).tanh();
            return Convolutions.maxPool2d(h, Pool2dOptions.of(2)).square().sum();
        }).apply(a[0])}, -1, 0);
        Tensor gw = perExampleW.apply(new Tensor[] {w, xs})[0];
        for (int i = 0; i < 3; i++) {
            Tensor x = xs.select(0, i);
            Tensor expected = Functional.grad((Tensor v) -> {
                Tensor h = Convolutions.conv2d(x, v, null, conv).tanh();
                return Convolutions.maxPool2d(h, Pool2dOptions.of(2)).square().sum();
            }).apply(w);
            assertClose(expected, gw.select(0, i));
        }
        // the weight gradient sums over the image batch, so it chose the loop: once per example
        Function<Tensor, Tensor> weightGrad = x -> Functional.grad((Tensor v) -> {
            Tensor h = Convolutions.conv2d(x, v, null, conv).tanh();
            return Convolutions.maxPool2d(h, Pool2dOptions.of(2)).square().sum();
        }).apply(w);
        assertCalls(weightGrad, xs, 3, "conv2dWeightGrad");
    }

    /** The vmap column of the rule specs shares its index tensors; here the indices are batched. */
    @Test
    void gatherAndScatterAddWithBatchedIndices() {
        Tensor src = randn64(110, 3, 4);
        Tensor idx = Tensor.of(new long[] {0, 3, 1, 2, 2, 0, 3, 3, 1, 0, 0, 2}, 2, 3, 2); // [B=2, 3, 2]
        Function<Tensor[], Tensor> one = a -> {
            Tensor g = a[0].gather(1, a[1]);                                        // [3, 2]
            return Tensor.zeros(DType.FLOAT64, 4, 2).scatterAdd(0, a[1], g.square()).add(g.sum());
        };
        Tensor got = Vmap.vmapN(a -> new Tensor[] {one.apply(a)}, -1, 0).apply(new Tensor[] {src, idx})[0];
        assertClose(Tensor.stack(0, one.apply(new Tensor[] {src, idx.select(0, 0)}),
                one.apply(new Tensor[] {src, idx.select(0, 1)})), got);
    }
}

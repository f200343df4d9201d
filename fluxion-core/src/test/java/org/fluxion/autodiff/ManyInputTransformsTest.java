package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code jvp}, {@code jacobian}/{@code jacfwd}, {@code hessian} and {@code hvp} over several tensors and over
 * trees: against finite differences ({@link GradCheck}), against the single-tensor forms, to second order, and
 * their errors for tangent trees that do not match the primals.
 */
class ManyInputTransformsTest {
    private static final double TOL = 1e-6;

    record Params(Tensor w, Tensor b) {
    }

    /** y = sin(x0) * x1 + exp(0.3 x0 x1), x0: [2, 3], x1: [3] -> y: [2, 3]. */
    private static Tensor f(Tensor[] x) {
        return x[0].sin().mul(x[1]).add(x[0].mul(x[1]).mul(0.3).exp());
    }

    /** A scalar function of both arguments with cross terms: sum(f(x)^2) / 2 + sum(x1^3) sum(x0). */
    private static Tensor g(Tensor[] x) {
        return f(x).pow(2).sum().mul(0.5).add(x[1].pow(3).sum().mul(x[0].sum()));
    }

    private static Tensor[] point(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Tensor[] {Tensor.randn(rng, DType.FLOAT64, 2, 3).mul(0.5), Tensor.randn(rng, DType.FLOAT64, 3).mul(0.5)};
    }

    /** {@code J v} for a Jacobian block of shape {@code y.shape + x.shape} and a direction of x's shape. */
    private static Tensor contract(Tensor jac, Tensor v) {
        return jac.reshape(-1, v.size()).matmul(v.reshape(v.size(), 1)).reshape(-1);
    }

    private static void assertClose(double[] expected, Tensor actual, double tol, String what) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, what + ": size");
        for (int k = 0; k < a.length; k++) {
            assertEquals(expected[k], a[k], tol * (1 + Math.abs(expected[k])), what + ": element " + k);
        }
    }

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        assertClose(expected.toDoubleArray(), actual, 1e-12, what);
    }

    private static Tensor[] directions(Tensor[] xs, long seed) {
        Random rng = new Random(seed);
        Tensor[] v = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            v[i] = GradCheck.randnLike(xs[i], rng);
        }
        return v;
    }

    @Test
    void jacobiansOfSeveralTensorsMatchFiniteDifferencesAndTheSingleTensorForm() {
        Tensor[] xs = point(1);
        Tensor[] v = directions(xs, 2);
        double[] numeric = GradCheck.directional(ManyInputTransformsTest::f, xs, v);
        for (var mode : List.<Function<Function<Tensor[], Tensor>, Function<Tensor[], Tensor[]>>>of(
                Functional::jacobian, Functional::jacfwd)) {
            Tensor[] jac = mode.apply(ManyInputTransformsTest::f).apply(xs);
            assertEquals(2, jac.length);
            assertArrayEquals(new int[] {2, 3, 2, 3}, jac[0].dims());
            assertArrayEquals(new int[] {2, 3, 3}, jac[1].dims());
            assertClose(numeric, contract(jac[0], v[0]).add(contract(jac[1], v[1])), TOL, "J v by finite differences");
        }
        // argnums: only the second argument, equal to the single-tensor Jacobian with the first held fixed.
        Tensor[] second = Functional.jacobian(ManyInputTransformsTest::f, 1).apply(xs);
        assertEquals(1, second.length);
        Function<Tensor, Tensor> ofX1 = x1 -> f(new Tensor[] {xs[0], x1});
        assertSame(Functional.jacobian(ofX1).apply(xs[1]), second[0], "jacobian argnums 1 vs single");
        assertSame(Functional.jacfwd(ofX1).apply(xs[1]), Functional.jacfwd(ManyInputTransformsTest::f, 1).apply(xs)[0],
                "jacfwd argnums 1 vs single");
    }

    @Test
    void jvpWithSeveralOutputsMatchesFiniteDifferences() {
        Tensor[] xs = point(3);
        Tensor[] v = directions(xs, 4);
        Function<Tensor[], List<Tensor>> two = a -> List.of(f(a), a[0].mul(a[1]).sum());
        Functional.TreeJvpResult<List<Tensor>> r = Functional.treeJvp(two, xs, v);
        for (int o = 0; o < 2; o++) {
            int out = o;
            assertClose(GradCheck.directional(a -> two.apply(a).get(out), xs, v), r.tangent().get(o), TOL,
                    "tangent of output " + o);
            assertSame(two.apply(xs).get(o), r.value().get(o), "value of output " + o);
        }
        assertSame(Functional.jvp(ManyInputTransformsTest::f, xs, v).tangent(), r.tangent().get(0), "vs the single-output jvp");
    }

    @Test
    void hessianBlocksAndHvpMatchFiniteDifferencesOfTheGradient() {
        Tensor[] xs = point(5);
        Tensor[][] h = Functional.hessian(ManyInputTransformsTest::g).apply(xs);
        assertArrayEquals(new int[] {2, 3, 3}, h[0][1].dims());
        assertArrayEquals(new int[] {3, 2, 3}, h[1][0].dims());
        Tensor[] v = directions(xs, 6);
        for (int a = 0; a < 2; a++) {
            int row = a;
            Function<Tensor[], Tensor> gradA = ys -> Functional.valueAndGrad(ManyInputTransformsTest::g).apply(ys).grads()[row];
            for (int b = 0; b < 2; b++) {
                Tensor[] only = {Tensor.zeros(DType.FLOAT64, xs[0].dims()), Tensor.zeros(DType.FLOAT64, xs[1].dims())};
                only[b] = v[b];
                assertClose(GradCheck.directional(gradA, xs, only), contract(h[a][b], v[b]), 1e-5,
                        "H[" + a + "][" + b + "] v by finite differences of the gradient");
            }
        }
        // symmetric blocks, the diagonal block equals the single-tensor Hessian
        assertSame(h[0][1].reshape(6, 3).transpose(), h[1][0].reshape(3, 6), "H01 = H10^T");
        Function<Tensor, Tensor> ofX0 = x0 -> g(new Tensor[] {x0, xs[1]});
        assertSame(Functional.hessian(ofX0).apply(xs[0]), h[0][0], "H00 vs single hessian");
        assertSame(h[1][1], Functional.hessian(ManyInputTransformsTest::g, 1).apply(xs)[0][0], "argnums 1");
        // hvp = sum_b H[a][b] v[b], and with v[1] = 0 it is the single-tensor hvp
        Tensor[] hv = Functional.hvp(ManyInputTransformsTest::g, xs, v);
        for (int a = 0; a < 2; a++) {
            assertClose(contract(h[a][0], v[0]).add(contract(h[a][1], v[1])).toDoubleArray(), hv[a], 1e-10, "hvp " + a);
        }
        Tensor[] v0 = {v[0], Tensor.zeros(DType.FLOAT64, 3)};
        assertSame(Functional.hvp(ofX0, xs[0], v[0]), Functional.hvp(ManyInputTransformsTest::g, xs, v0)[0], "hvp vs single");
    }

    @Test
    void theNewTransformsAreDifferentiableAgain() {
        Tensor[] xs = point(7);
        Tensor[] v = directions(xs, 8);
        // first order of each transform = second order of f (third of g for hvp), in both modes
        GradCheck.check("jacobian", ys -> Functional.jacobian(ManyInputTransformsTest::f).apply(ys)[1], xs, TOL, 1, 9);
        GradCheck.check("jacfwd", ys -> Functional.jacfwd(ManyInputTransformsTest::f).apply(ys)[0], xs, TOL, 1, 10);
        GradCheck.check("hvp", ys -> Functional.hvp(ManyInputTransformsTest::g, ys, v)[1], xs, 1e-5, 1, 11);
        GradCheck.check("tree jvp", ys -> Functional.treeJvp((Tensor[] a) -> List.of(f(a)), ys, v).tangent().get(0),
                xs, TOL, 1, 12);
    }

    /** A function of a record with a map as output. */
    private static Map<String, Tensor> model(Params p) {
        Tensor x = Tensor.of(new double[] {0.5, -1, 2}, 3);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("y", p.w().matmul(x).add(p.b()).tanh());
        out.put("norm", p.w().pow(2).sum());
        return out;
    }

    private static Params params() {
        SplittableRandom rng = new SplittableRandom(13);
        return new Params(Tensor.randn(rng, DType.FLOAT64, 2, 3), Tensor.randn(rng, DType.FLOAT64, 2));
    }

    @Test
    void jacobianOfARecordToMapFunctionIsAMapOfRecords() {
        Params p = params();
        Object rev = Functional.treeJacobian(ManyInputTransformsTest::model).apply(p);
        Object fwd = Functional.treeJacfwd(ManyInputTransformsTest::model).apply(p);
        Function<Tensor[], Tensor> y = a -> model(new Params(a[0], a[1])).get("y");
        Tensor[] flat = {p.w(), p.b()};
        Tensor[] expected = Functional.jacobian(y).apply(flat);
        for (Object jac : List.of(rev, fwd)) {
            Params dy = (Params) ((Map<?, ?>) jac).get("y");
            assertSame(expected[0], dy.w(), "d y / d w");
            assertSame(expected[1], dy.b(), "d y / d b");
            Params dn = (Params) ((Map<?, ?>) jac).get("norm");
            assertSame(p.w().mul(2), dn.w(), "d norm / d w");
            assertArrayEquals(new int[] {2}, dn.b().dims());
        }
        // against finite differences: d y = dy.w . vw + dy.b . vb
        Tensor[] v = directions(flat, 14);
        Params dy = (Params) ((Map<?, ?>) rev).get("y");
        assertClose(GradCheck.directional(y, flat, v), contract(dy.w(), v[0]).add(contract(dy.b(), v[1])), TOL, "tree J v");
    }

    @Test
    void hessianAndHvpOfATreeAreBlocksOfTheFlatForms() {
        Params p = params();
        Function<Params, Tensor> loss = q -> model(q).get("y").pow(2).sum().add(model(q).get("norm").mul(q.b().sum()));
        Function<Tensor[], Tensor> flatLoss = a -> loss.apply(new Params(a[0], a[1]));
        Tensor[] flat = {p.w(), p.b()};
        Tensor[][] blocks = Functional.hessian(flatLoss).apply(flat);
        // a record of Tensor components cannot hold records: the outer level is a map by component name
        Map<?, ?> h = assertInstanceOf(Map.class, Functional.treeHessian(loss).apply(p));
        assertEquals(List.of("w", "b"), List.copyOf(h.keySet()));
        Params hw = assertInstanceOf(Params.class, h.get("w"));
        Params hb = assertInstanceOf(Params.class, h.get("b"));
        assertSame(blocks[0][0], hw.w(), "H ww");
        assertSame(blocks[0][1], hw.b(), "H wb");
        assertSame(blocks[1][0], hb.w(), "H bw");
        assertSame(blocks[1][1], hb.b(), "H bb");
        Tensor[] v = directions(flat, 15);
        Params hv = Functional.treeHvp(loss, p, new Params(v[0], v[1]));
        Tensor[] expected = Functional.hvp(flatLoss, flat, v);
        assertSame(expected[0], hv.w(), "tree hvp w");
        assertSame(expected[1], hv.b(), "tree hvp b");
        // the gradient's finite differences: H v = (grad(p + eps v) - grad(p - eps v)) / 2 eps
        Function<Tensor[], Tensor> gradW = a -> Functional.valueAndGrad(flatLoss).apply(a).grads()[0];
        assertClose(GradCheck.directional(gradW, flat, v), hv.w(), 1e-5, "tree hvp by finite differences");
    }

    @Test
    void treesOfListsAndMapsWork() {
        // a map of lists: {"a": [x, y]}, {"b": [z]}
        Map<String, List<Tensor>> at = Map.of("a", List.of(Tensor.of(new double[] {0.2, 0.4}, 2), Tensor.scalar(1.5, DType.FLOAT64)),
                "b", List.of(Tensor.of(new double[] {-1, 0.5, 2}, 3)));
        Function<Map<String, List<Tensor>>, Tensor> f = m -> m.get("a").get(0).mul(m.get("a").get(1)).sin().sum()
                .mul(m.get("b").get(0).exp().sum());
        Tree.Flat leaves = Tree.flatten(at);
        Function<Tensor[], Tensor> flatF = a -> f.apply(leaves.def().unflatten(List.of(a)));
        Tensor[] xs = leaves.leaves().toArray(Tensor[]::new);
        Tensor[] v = directions(xs, 16);
        Map<String, List<Tensor>> vt = leaves.def().unflatten(List.of(v));
        double jv = Functional.treeJvp(f, at, vt).tangent().item();
        assertEquals(GradCheck.directional(flatF, xs, v)[0], jv, TOL * (1 + Math.abs(jv)), "tree jvp vs finite differences");
        @SuppressWarnings("unchecked")
        Map<String, List<Tensor>> grad = (Map<String, List<Tensor>>) Functional.treeJacobian(f).apply(at);
        assertSame(Functional.jacobian(flatF).apply(xs)[2], grad.get("b").get(0), "jacobian leaf b[0]");
        Object hessian = Functional.treeHessian(f).apply(at);
        @SuppressWarnings("unchecked")
        Tensor cross = ((Map<String, List<Tensor>>) ((Map<String, List<?>>) hessian).get("a").get(1)).get("b").get(0);
        assertSame(Functional.hessian(flatF).apply(xs)[1][2], cross, "H a[1], b[0]");
        // a Tensor[] argument with an array of trees as result
        Object jac = Functional.treeJacobian((Tensor[] a) -> new Tensor[] {a[0].mul(a[1]), a[1]})
                .apply(new Tensor[] {Tensor.scalar(2, DType.FLOAT64), Tensor.scalar(3, DType.FLOAT64)});
        Object[] rows = assertInstanceOf(Object[].class, jac);
        assertEquals(3, ((Tensor[]) rows[0])[0].item(), 0);
        assertEquals(2, ((Tensor[]) rows[0])[1].item(), 0);
    }

    @Test
    void mismatchedTangentTreesNameThePathAndBothShapes() {
        Params p = params();
        Function<Params, Tensor> loss = q -> q.w().sum().add(q.b().sum());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Functional.treeJvp(loss, p, new Params(p.w(), Tensor.zeros(DType.FLOAT64, 3))));
        assertTrue(shape.getMessage().contains("at .b") && shape.getMessage().contains("[3]")
                && shape.getMessage().contains("[2]"), shape.getMessage());
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
                () -> Functional.treeHvp((List<Map<String, Tensor>> l) -> l.get(0).get("w").sum(),
                        List.of(Map.of("w", p.w())), List.of(Map.of("w", p.b()))));
        assertTrue(nested.getMessage().startsWith("hvp: at [0][\"w\"] the vector has shape [2] but the primal has "
                + "shape [2, 3]"), nested.getMessage());
        IllegalArgumentException keys = assertThrows(IllegalArgumentException.class,
                () -> Functional.treeJvp((Map<String, Tensor> m) -> m.get("a"), Map.of("a", p.b()),
                        Map.of("a", p.b(), "c", p.b())));
        assertTrue(keys.getMessage().contains("at the root the tangent has a map with keys [a, c] but the primal "
                + "has a map with keys [a]"), keys.getMessage());
        @SuppressWarnings("unchecked")
        List<Tensor> listInside = (List<Tensor>) (List<?>) List.of(p.b(), List.of(p.b()));
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> Functional.treeJvp((List<Tensor> l) -> l.get(0), List.of(p.b(), p.b()), listInside));
        assertTrue(kind.getMessage().contains("at [1] the tangent has a list of 1 but the primal has a tensor"),
                kind.getMessage());
        IllegalArgumentException argnum = assertThrows(IllegalArgumentException.class,
                () -> Functional.jacobian(ManyInputTransformsTest::f, 2).apply(point(1)));
        assertTrue(argnum.getMessage().contains("argnum 2"), argnum.getMessage());
    }
}

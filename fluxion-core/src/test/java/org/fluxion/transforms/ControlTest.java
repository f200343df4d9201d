package org.fluxion.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Structured control flow, eagerly and under jit, with derivatives in both modes against central finite
 * differences (float64).
 */
class ControlTest {
    private static final double EPS = 1e-6;

    // ---------------------------------------------------------------- helpers

    /** The gradient of a scalar function of several tensors by central differences, element by element. */
    static Tensor[] numericGrad(Function<Tensor[], Tensor> f, Tensor... xs) {
        Tensor[] grads = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double[] x = xs[i].toDoubleArray();
            double[] g = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                Tensor[] plus = xs.clone();
                Tensor[] minus = xs.clone();
                plus[i] = perturbed(xs[i], x, k, EPS);
                minus[i] = perturbed(xs[i], x, k, -EPS);
                g[k] = (f.apply(plus).item() - f.apply(minus).item()) / (2 * EPS);
            }
            grads[i] = Tensor.of(g, xs[i].dims());
        }
        return grads;
    }

    private static Tensor perturbed(Tensor like, double[] x, int k, double by) {
        double[] y = x.clone();
        y[k] += by;
        return Tensor.of(y, like.dims());
    }

    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int k = 0; k < e.length; k++) {
            assertEquals(e[k], a[k], tol * (1 + Math.abs(e[k])), what + ": element " + k);
        }
    }

    static Tensor f64(double... v) {
        return Tensor.of(v, v.length);
    }

    static Tensor scalar(double v) {
        return Tensor.scalar(v, DType.FLOAT64);
    }

    // ---------------------------------------------------------------- whileLoop: Newton's method

    /** sqrt(a) by Newton's method, iterating until |x^2 - a| < 1e-10 (a data-dependent trip count). */
    static Tensor newtonSqrt(Tensor a) {
        return Control.whileLoop(x -> x.mul(x).sub(a).abs().ge(1e-10), x -> x.add(a.div(x)).mul(0.5), a);
    }

    @Test
    void newtonSqrtValueAndDerivativesEagerAndJit() {
        Tensor a = scalar(2.0);
        double expected = 1 / (2 * Math.sqrt(2.0));
        var jitted = Jit.jit(ControlTest::newtonSqrt);
        assertEquals(Math.sqrt(2), newtonSqrt(a).item(), 1e-10);
        assertEquals(newtonSqrt(a).item(), jitted.apply(a).item(), 0);
        assertEquals(Math.sqrt(5), jitted.apply(scalar(5)).item(), 1e-10, "the compiled loop runs to convergence again");
        assertEquals(1, jitted.traceCount());

        Tensor one = scalar(1);
        // reverse mode: eager, through the compiled loop, and compiled
        assertEquals(expected, Functional.grad(ControlTest::newtonSqrt).apply(a).item(), 1e-9);
        assertEquals(expected, Functional.grad(jitted).apply(a).item(), 1e-9);
        assertEquals(expected, Jit.jit(Functional.grad(ControlTest::newtonSqrt)).apply(a).item(), 1e-9);
        // forward mode: eager, through the compiled loop, and compiled
        assertEquals(expected, Functional.jvp(ControlTest::newtonSqrt, a, one).tangent().item(), 1e-9);
        assertEquals(expected, Functional.jvp(jitted, a, one).tangent().item(), 1e-9);
        var jvpJit = Jit.jit((Tensor y) -> Functional.jvp(ControlTest::newtonSqrt, y, one).tangent());
        assertEquals(expected, jvpJit.apply(a).item(), 1e-9);
        // and against finite differences
        double fd = numericGrad(xs -> newtonSqrt(xs[0]), a)[0].item();
        assertEquals(fd, Functional.grad(jitted).apply(a).item(), 1e-6);
    }

    @Test
    void whileLoopWithACounterAndSeveralCarries() {
        // Doubles x until it exceeds 100, counting steps in an int carry (which gets no derivative).
        Function<Tensor, Tensor> f = x -> {
            List<Tensor> r = Control.whileLoop(c -> c.get(0).sum().le(100),
                    c -> List.of(c.get(0).mul(2), c.get(1).add(1)), List.of(x, Tensor.scalar(0, DType.INT32)));
            return r.get(0).sum().mul(r.get(1).to(DType.FLOAT64));
        };
        Tensor x = f64(1, 2);
        // 3 -> 6 -> ... -> 192 after 6 doublings: 6 * 192 and d/dx = 6 * 64 per element
        assertEquals(6 * 192, f.apply(x).item(), 0);
        assertEquals(6 * 192, Jit.jit(f).apply(x).item(), 0);
        assertClose(f64(384, 384), Functional.grad(Jit.jit(f)).apply(x), 1e-12, "grad(jit)");
        assertClose(f64(384, 384), Jit.jit(Functional.grad(f)).apply(x), 1e-12, "jit(grad)");
        assertClose(f64(384, 384), Functional.grad(f).apply(x), 1e-12, "eager grad");
    }

    // ---------------------------------------------------------------- scan: an RNN

    record Rnn(Tensor w, Tensor u, Tensor h0) {
    }

    /** h_t = tanh(W h_{t-1} + U x_t) over the rows of xs; loss = sum of the final h + 0.5 * sum of all h. */
    static Tensor rnnLoss(Tensor w, Tensor u, Tensor h0, Tensor xs) {
        int n = h0.dim(0);
        Control.ScanResult<Tensor> r = Control.scan((h, x) -> {
            Tensor next = w.matmul(h.reshape(n, 1)).add(u.matmul(x.reshape(x.dim(0), 1))).reshape(n).tanh();
            return new Control.Step<>(next, next);
        }, h0, xs);
        return r.carry().sum().add(r.ys().sum().mul(0.5));
    }

    @Test
    void rnnGradientsWithScanMatchFiniteDifferences() {
        Tensor w = Tensor.randn(1, 3, 3).to(DType.FLOAT64).mul(0.5);
        Tensor u = Tensor.randn(2, 3, 2).to(DType.FLOAT64).mul(0.5);
        Tensor h0 = Tensor.randn(3, 3).to(DType.FLOAT64);
        Tensor xs = Tensor.randn(4, 5, 2).to(DType.FLOAT64);
        Function<Tensor[], Tensor> loss = p -> rnnLoss(p[0], p[1], p[2], xs);
        Tensor[] fd = numericGrad(loss, w, u, h0);

        Tensor[] eager = Functional.valueAndGrad(loss).apply(new Tensor[] {w, u, h0}).grads();
        var jitLoss = Jit.jit((Rnn p) -> rnnLoss(p.w(), p.u(), p.h0(), xs));
        assertEquals(loss.apply(new Tensor[] {w, u, h0}).item(), jitLoss.apply(new Rnn(w, u, h0)).item(), 1e-12);
        Rnn gradOfJit = Functional.treeGrad(jitLoss).apply(new Rnn(w, u, h0));
        Rnn jitOfGrad = Jit.jit(Functional.treeGrad((Rnn p) -> rnnLoss(p.w(), p.u(), p.h0(), xs)))
                .apply(new Rnn(w, u, h0));
        String[] names = {"W", "U", "h0"};
        Tensor[][] results = {eager, {gradOfJit.w(), gradOfJit.u(), gradOfJit.h0()},
                {jitOfGrad.w(), jitOfGrad.u(), jitOfGrad.h0()}};
        String[] modes = {"eager", "grad(jit)", "jit(grad)"};
        for (int m = 0; m < modes.length; m++) {
            for (int i = 0; i < 3; i++) {
                assertClose(fd[i], results[m][i], 1e-6, modes[m] + " d loss / d " + names[i]);
            }
        }
        // forward mode through the compiled scan: the directional derivative along W's gradient
        Tensor dir = fd[0];
        double jvp = Functional.jvp((Tensor ww) -> jitLoss.apply(new Rnn(ww, u, h0)), w, dir).tangent().item();
        double expected = 0;
        for (double g : fd[0].toDoubleArray()) {
            expected += g * g;
        }
        assertEquals(expected, jvp, 1e-6 * (1 + expected));
    }

    @Test
    void scanOverZeroStepsReturnsTheInitAndEmptyYs() {
        Function<Tensor, Control.ScanResult<Tensor>> f = xs -> Control.scan(
                (c, x) -> new Control.Step<>(c.add(x.sum()), x.mul(2)), scalar(1), xs);
        Tensor empty = Tensor.zeros(DType.FLOAT64, 0, 3);
        for (var g : List.of(f, Jit.jit(f))) {
            Control.ScanResult<Tensor> r = g.apply(empty);
            assertEquals(1, r.carry().item());
            assertArrayEquals(new int[] {0, 3}, r.ys().dims());
        }
    }

    // ---------------------------------------------------------------- cond

    static Tensor branchy(Tensor x) {
        return Control.cond(x.sum().gt(0), v -> v.mul(v).sin(), v -> v.exp().mul(2), x).sum();
    }

    @Test
    void condOnADataValueIsDifferentiableOnBothSides() {
        var jitted = Jit.jit(ControlTest::branchy);
        for (Tensor x : List.of(f64(0.3, 0.8, -0.2), f64(-0.5, 0.1, -0.7))) {
            assertEquals(branchy(x).item(), jitted.apply(x).item(), 1e-12);
            Tensor fd = numericGrad(xs -> branchy(xs[0]), x)[0];
            assertClose(fd, Functional.grad(ControlTest::branchy).apply(x), 1e-6, "eager grad");
            assertClose(fd, Functional.grad(jitted).apply(x), 1e-6, "grad(jit)");
            assertClose(fd, Jit.jit(Functional.grad(ControlTest::branchy)).apply(x), 1e-6, "jit(grad)");
            Tensor v = f64(1, -2, 0.5);
            double dot = 0;
            for (int k = 0; k < 3; k++) {
                dot += fd.toDoubleArray()[k] * v.toDoubleArray()[k];
            }
            assertEquals(dot, Functional.jvp(jitted, x, v).tangent().item(), 1e-6, "jvp(jit)");
            assertEquals(dot, Jit.jit((Tensor y) -> Functional.jvp(ControlTest::branchy, y, v).tangent()).apply(x)
                    .item(), 1e-6, "jit(jvp)");
        }
        assertEquals(1, jitted.traceCount(), "both branches live in one compiled graph");
    }

    @Test
    void condWithTreeOperandsAndCapturedValues() {
        Function<Map<String, Tensor>, Map<String, Tensor>> f = m -> {
            Tensor scale = m.get("s").mul(3);
            return Control.cond(m.get("s"), t -> Map.of("a", t.get("a").mul(scale), "s", t.get("s")),
                    t -> Map.of("a", t.get("a").neg(), "s", t.get("s")), m);
        };
        Map<String, Tensor> on = Map.of("a", f64(1, 2), "s", scalar(2));
        Map<String, Tensor> off = Map.of("a", f64(1, 2), "s", scalar(0));
        assertClose(f64(6, 12), Jit.jit(f).apply(on).get("a"), 0, "true branch");
        assertClose(f64(-1, -2), Jit.jit(f).apply(off).get("a"), 0, "false branch");
    }

    // ---------------------------------------------------------------- fori

    /** 1 + 2x + 3x^2 + 4x^3 from the loop index. */
    static Tensor polynomial(Tensor x) {
        return Control.fori(0, 4, (i, acc) -> {
            Tensor fi = i.to(DType.FLOAT64);
            return acc.add(x.pow(fi).mul(fi.add(1)));
        }, Tensor.zeros(DType.FLOAT64, x.dims()));
    }

    @Test
    void foriComputesAPowerAndAPolynomial() {
        Function<Tensor, Tensor> power = x -> Control.fori(0, 5, (i, c) -> c.mul(x), Tensor.ones(DType.FLOAT64, x.dims()));
        Tensor x = f64(0.5, 1.5, -2);
        for (var p : List.of(power, Jit.jit(power))) {
            assertClose(f64(0.03125, 7.59375, -32), p.apply(x), 1e-12, "x^5");
            assertClose(f64(0.3125, 25.3125, 80), Functional.grad((Tensor y) -> p.apply(y).sum()).apply(x), 1e-9, "5x^4");
        }
        Tensor expected = f64(1 + 1 + 0.75 + 0.5, 1 + 3 + 6.75 + 13.5, 1 - 4 + 12 - 32);
        Tensor slope = f64(2 + 3 + 3, 2 + 9 + 27, 2 - 12 + 48);
        var jitted = Jit.jit(ControlTest::polynomial);
        assertClose(expected, polynomial(x), 1e-12, "eager");
        assertClose(expected, jitted.apply(x), 1e-12, "jit");
        assertClose(slope, Functional.grad((Tensor y) -> jitted.apply(y).sum()).apply(x), 1e-9, "grad(jit)");
        assertClose(slope, Functional.jvp(jitted, x, f64(1, 1, 1)).tangent(), 1e-9, "jvp(jit)");
        // an empty range leaves the carry as it is
        assertClose(x, Jit.jit((Tensor y) -> Control.fori(3, 3, (i, c) -> c.mul(0), y)).apply(x), 0, "empty range");
    }

    // ---------------------------------------------------------------- second order

    @Test
    void secondOrderThroughCond() {
        // x.sum() > 0: sum(x^3) (hessian diag(6x)); else sum(sin x) (hessian diag(-sin x))
        Function<Tensor, Tensor> f = x -> Control.cond(x.sum().gt(0), v -> v.pow(3).sum(), v -> v.sin().sum(), x);
        for (Tensor x : List.of(f64(0.5, 1.0), f64(-0.5, -1.0))) {
            boolean pos = x.sum().item() > 0;
            double[] xv = x.toDoubleArray();
            Tensor expected = Tensor.of(new double[] {pos ? 6 * xv[0] : -Math.sin(xv[0]), 0, 0,
                    pos ? 6 * xv[1] : -Math.sin(xv[1])}, 2, 2);
            assertClose(expected, Functional.hessian(f).apply(x), 1e-9, "eager hessian");
            assertClose(expected, Functional.hessian(Jit.jit(f)).apply(x), 1e-9, "hessian(jit)");
            assertClose(expected, Jit.jit(Functional.hessian(f)).apply(x), 1e-9, "jit(hessian)");
        }
    }

    @Test
    void secondOrderThroughScan() {
        // f(a) = sum_t c_t with c_t = sin(a * c_{t-1} + x_t): grad of grad vs finite differences of grad
        Tensor xs = f64(0.3, -0.2, 0.5, 0.1);
        Function<Tensor, Tensor> f = a -> Control.scan((c, x) -> {
            Tensor next = c.mul(a).add(x).sin();
            return new Control.Step<>(next, next);
        }, scalar(0.7), xs).ys().sum();
        Tensor a = scalar(1.3);
        double fd = numericGrad(p -> Functional.grad(f).apply(p[0]), a)[0].item();
        assertEquals(fd, Functional.grad(Functional.grad(f)).apply(a).item(), 1e-6, "eager grad of grad");
        assertEquals(fd, Functional.grad(Functional.grad(Jit.jit(f))).apply(a).item(), 1e-6, "grad(grad(jit))");
        assertEquals(fd, Jit.jit(Functional.grad(Functional.grad(f))).apply(a).item(), 1e-6, "jit(grad(grad))");
        assertEquals(fd, Functional.grad(Jit.jit(Functional.grad(f))).apply(a).item(), 1e-6, "grad(jit(grad))");
        assertEquals(fd, Functional.hessian(Jit.jit(f)).apply(a).item(), 1e-6, "forward over reverse");
    }

    @Test
    void secondOrderThroughWhileLoop() {
        // d^2/da^2 sqrt(a) = -1/4 a^(-3/2)
        Tensor a = scalar(3);
        double expected = -0.25 * Math.pow(3, -1.5);
        assertEquals(expected, Functional.grad(Functional.grad(Jit.jit(ControlTest::newtonSqrt))).apply(a).item(), 1e-7);
        assertEquals(expected, Functional.hessian(Jit.jit(ControlTest::newtonSqrt)).apply(a).item(), 1e-7);
    }

    // ---------------------------------------------------------------- nesting and constants

    @Test
    void nestedLoopsCaptureValuesTwoLevelsOut() {
        // w is used by a fori nested in a scan's body: it is captured by both nested graphs.
        Tensor xs = f64(0.4, -0.3, 0.2);
        Function<Tensor[], Tensor> f = p -> Control.scan((c, x) -> {
            Tensor inner = Control.fori(0, 3, (i, d) -> d.mul(p[0]).sin().add(x), c);
            return new Control.Step<>(inner, inner.mul(p[1]));
        }, scalar(0.5), xs).ys().sum();
        Tensor w = scalar(1.1);
        Tensor b = scalar(-0.7);
        Tensor[] fd = numericGrad(f, w, b);
        var jitted = Jit.jit((List<Tensor> p) -> f.apply(p.toArray(Tensor[]::new)));
        assertEquals(f.apply(new Tensor[] {w, b}).item(), jitted.apply(List.of(w, b)).item(), 1e-12);
        List<Tensor> g = Functional.treeGrad((List<Tensor> p) -> jitted.apply(p)).apply(List.of(w, b));
        assertClose(fd[0], g.get(0), 1e-6, "grad(jit) d/dw");
        assertClose(fd[1], g.get(1), 1e-6, "grad(jit) d/db");
        List<Tensor> h = Jit.jit(Functional.treeGrad((List<Tensor> p) -> f.apply(p.toArray(Tensor[]::new))))
                .apply(List.of(w, b));
        assertClose(fd[0], h.get(0), 1e-6, "jit(grad) d/dw");
        assertClose(fd[1], h.get(1), 1e-6, "jit(grad) d/db");
    }

    /**
     * Bodies and branches that compute from a captured value ({@code x.cos()}, {@code x.sum()}) rather
     * than reading it: the derivative must include the path through that computation in every mode,
     * also when the loop is traced inside a trace that differentiates (jit(grad), vmap(grad)).
     */
    @Test
    void derivativesFlowThroughValuesComputedFromCaptures() {
        Function<Tensor, Tensor> fori = x -> Control.fori(0, 3,
                (i, c) -> c.sin().mul(x.sum()).add(x.cos()), x.sum().mul(x)).sum();
        Function<Tensor, Tensor> cond = x -> Control.cond(x.sum().gt(0),
                v -> v.mul(x.cos()).sin().sum(), v -> v.tanh().add(x.exp()).sum(), x.softmax(0));
        Function<Tensor, Tensor> loop = x -> Control.whileLoop((List<Tensor> c) -> c.get(0).lt(2),
                c -> List.of(c.get(0).add(1), c.get(1).tanh().mul(x.cos().sum()).add(x)),
                List.of(Tensor.scalar(0, DType.INT32), x)).get(1).sum();
        // Without derivatives, a value computed from captures alone is a loop invariant: it runs once,
        // outside the loop.
        assertEquals(1, Jit.jit(fori).tracedGraph(f64(0.2, 0.5, 0.7)).count("cos"), "x.cos() hoisted");
        for (var f : List.of(fori, cond, loop)) {
            for (Tensor x : List.of(f64(0.2, 0.5, 0.7), f64(-0.6, 0.1, -0.3))) {
                Tensor fd = numericGrad(p -> f.apply(p[0]), x)[0];
                assertClose(fd, Functional.grad(f).apply(x), 1e-6, "eager grad");
                assertClose(fd, Functional.grad(Jit.jit(f)).apply(x), 1e-6, "grad(jit)");
                assertClose(fd, Jit.jit(Functional.grad(f)).apply(x), 1e-6, "jit(grad)");
                Tensor ones = f64(1, 1, 1);
                assertEquals(fd.sum().item(), Jit.jit((Tensor y) -> Functional.jvp(f, y, ones).tangent())
                        .apply(x).item(), 1e-6, "jit(jvp)");
                Tensor batch = Tensor.stack(0, List.of(x, x.mul(-1)));
                Tensor perExample = Vmap.vmap(Functional.grad(f)).apply(batch);
                assertClose(fd, perExample.select(0, 0), 1e-6, "vmap(grad) example 0");
                assertClose(numericGrad(p -> f.apply(p[0]), x.mul(-1))[0], perExample.select(0, 1), 1e-6,
                        "vmap(grad) example 1");
            }
        }
    }

    /**
     * pow(x, 2) at x = 0 feeding a loop: the exponent's partial y log(x) is 0 * (-inf) there; it must not
     * reach a result when the exponent has no derivative (it is a constant), in any mode.
     */
    @Test
    void hvpThroughALoopOfPowAtZeroIsFinite() {
        Function<Tensor, Tensor> f = x -> {
            Tensor s = x.pow(2.0).sum();
            return Control.whileLoop((List<Tensor> c) -> c.get(0).lt(2),
                    c -> List.of(c.get(0).add(1), c.get(1).sin().mul(s).add(s)),
                    List.of(Tensor.scalar(0, DType.INT32), s)).get(1);
        };
        Tensor x = f64(0, 0.5, 0.7);
        Tensor v = f64(0.3, 0.1, -0.2);
        Tensor fd = numericGrad(p -> Functional.grad(f).apply(p[0]).mul(v).sum(), x)[0];
        Tensor expected = Functional.hvp(f, x, v);
        assertTrue(expected.isFinite().to(DType.FLOAT64).min().item() == 1, "eager hvp " + expected);
        // the Hessian is symmetric: H v = grad(v . grad f)
        assertClose(fd, expected, 1e-6, "eager hvp vs finite differences");
        assertClose(expected, Jit.jit((Tensor y) -> Functional.hvp(f, y, v)).apply(x), 1e-9, "jit(hvp)");
        assertClose(expected, Functional.hvp(Jit.jit(f), x, v), 1e-9, "hvp(jit)");
    }

    @Test
    void aLoopOverConstantsRunsWhileTracing() {
        var f = Jit.jit((Tensor x) -> x.add(Control.whileLoop(c -> c.lt(10), c -> c.add(3), scalar(0))));
        assertClose(f64(13, 14), f.apply(f64(1, 2)), 0, "value");
        assertEquals(0, f.tracedGraph(f64(1, 2)).count("while"), "the loop's result is a constant of the graph");
    }

    // ---------------------------------------------------------------- printout

    @Test
    void jittedWhileLoopPrintsItsNestedGraphs() {
        Graph g = Jit.makeGraph(ControlTest::newtonSqrt, scalar(2));
        String s = g.toString();
        assertEquals(1, g.count("while"), s);
        assertTrue(s.contains("while[cond={ lambda ; "), s);
        assertTrue(s.contains(" body={ lambda ; "), s);
        // the nested equations are indented below the loop's line, and a (captured) is passed to both
        assertTrue(s.contains("\n        ") && s.contains("abs"), s);
        assertTrue(s.matches("(?s).*b:float64\\[] = while\\[.*] a a a\n  in \\(b\\) }"), s);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void branchesOfDifferentTypesAreRejected() {
        var f = Jit.jit((Tensor x) -> Control.cond(x.sum().gt(0), v -> v, v -> v.sum(), x));
        var e = assertThrows(IllegalArgumentException.class, () -> f.apply(f64(1, 2)));
        assertTrue(e.getMessage().contains("float64[2]") && e.getMessage().contains("float64[]"), e.getMessage());
        var g = Jit.jit((Tensor x) -> Control.cond(x.sum().gt(0), v -> List.of(v.get(0), v.get(0)), v -> List.of(v.get(0)), List.of(x)).get(0));
        e = assertThrows(IllegalArgumentException.class, () -> g.apply(f64(1, 2)));
        assertTrue(e.getMessage().contains("[float64[2], float64[2]]") && e.getMessage().contains("[float64[2]]"),
                e.getMessage());
    }

    @Test
    void bodyChangingACarryShapeIsRejected() {
        Function<Tensor, Tensor> f = x -> Control.whileLoop(c -> c.get(1).sum().lt(3),
                c -> List.of(c.get(0), c.get(1).reshape(1, 2).add(1)), List.of(x, f64(0, 0))).get(0);
        for (var g : List.of(f, Jit.jit(f))) {
            var e = assertThrows(IllegalArgumentException.class, () -> g.apply(f64(1)));
            assertTrue(e.getMessage().contains("carry 1") && e.getMessage().contains("float64[2]")
                    && e.getMessage().contains("float64[1, 2]"), e.getMessage());
        }
        var h = Jit.jit((Tensor x) -> Control.fori(0, 3, (i, c) -> c.to(DType.FLOAT32), x));
        var e = assertThrows(IllegalArgumentException.class, () -> h.apply(f64(1)));
        assertTrue(e.getMessage().startsWith("fori") && e.getMessage().contains("carry 0"), e.getMessage());
    }

    @Test
    void nonScalarPredicateIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Control.cond(f64(1, 2).gt(0), v -> v, v -> v, f64(1)));
        assertTrue(e.getMessage().contains("exactly one element"), e.getMessage());
        var f = Jit.jit((Tensor x) -> Control.whileLoop(c -> c.gt(0), c -> c.sub(1), x));
        e = assertThrows(IllegalArgumentException.class, () -> f.apply(f64(3, 4)));
        assertTrue(e.getMessage().contains("exactly one element"), e.getMessage());
        var g = Jit.jit((Tensor x) -> Control.cond(x.gt(0), v -> v, v -> v, x));
        e = assertThrows(IllegalArgumentException.class, () -> g.apply(f64(3, 4)));
        assertTrue(e.getMessage().contains("bool[2]"), e.getMessage());
    }
}

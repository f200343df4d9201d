package org.fluxion.transforms;

import static org.fluxion.transforms.ControlTest.assertClose;
import static org.fluxion.transforms.ControlTest.f64;
import static org.fluxion.transforms.ControlTest.numericGrad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A loop of several carries is one primitive of several outputs: one equation in the graph, one
 * derivative operation for all the outputs that receive a cotangent, one for all tangents.
 */
class StructuredTest {
    /** Three steps of (x, y, z) <- (sin(x * y) + x, 1.5 * y, z + x), counted by an int carry. */
    private static List<Tensor> loop(List<Tensor> args) {
        return Control.whileLoop(c -> c.get(3).lt(3),
                c -> List.of(c.get(0).mul(c.get(1)).sin().add(c.get(0)), c.get(1).mul(1.5), c.get(2).add(c.get(0)),
                        c.get(3).add(1)),
                List.of(args.get(0), args.get(1), args.get(0).mul(0), Tensor.scalar(0, DType.INT32)));
    }

    /** A scalar of the carries x and y; z is left unused, so its output gets no cotangent. */
    private static Tensor loss(List<Tensor> args) {
        List<Tensor> c = loop(args);
        return c.get(0).square().sum().add(c.get(1).sum());
    }

    private static final Tensor X = f64(0.3, -0.7);
    private static final Tensor Y = f64(0.9, 0.4);

    @Test
    void oneEquationPrintsAllCarries() {
        Graph g = Jit.makeGraph(StructuredTest::loop, List.of(X, Y));
        String s = g.toString();
        assertEquals(1, g.count("while"), s);
        // four outputs on one line: the three float carries and the int32 counter
        assertTrue(s.matches("(?s).*\\w+:float64\\[2] \\w+:float64\\[2] \\w+:float64\\[2] \\w+:int32\\[] = while\\[.*"), s);
    }

    @Test
    void reverseModeIsOneDerivativeOperationForAllOutputs() {
        Function<List<Tensor>, List<Tensor>> grads = Functional.treeGrad(StructuredTest::loss);
        Graph g = Jit.makeGraph(grads, List.of(X, Y));
        assertEquals(1, g.count("while_vjp"), g.toString());
        assertTrue(g.toString().contains("outputs=[0, 1]"), "z's output received no cotangent: " + g);
        List<Tensor> compiled = Jit.jit(grads).apply(List.of(X, Y));
        Tensor[] expected = numericGrad(xs -> loss(List.of(xs)), X, Y);
        assertClose(expected[0], compiled.get(0), 1e-6, "d/dx under jit");
        assertClose(expected[1], compiled.get(1), 1e-6, "d/dy under jit");
        List<Tensor> viaGraph = Functional.treeGrad((List<Tensor> a) -> Jit.makeGraph(StructuredTest::loss, a)
                .evaluate(a.toArray(Tensor[]::new))[0]).apply(List.of(X, Y));
        assertClose(expected[0], viaGraph.get(0), 1e-6, "d/dx through the graph's rules");
        assertClose(expected[1], viaGraph.get(1), 1e-6, "d/dy through the graph's rules");
    }

    @Test
    void forwardModeIsOneDerivativeOperationForAllTangents() {
        Tensor vx = f64(1, -2);
        Tensor vy = f64(0.5, 3);
        Function<List<Tensor>, Tensor> tangent = a -> Functional.treeJvp(StructuredTest::loss, a, List.of(vx, vy))
                .tangent();
        Graph g = Jit.makeGraph(tangent, List.of(X, Y));
        assertEquals(1, g.count("while_jvp"), g.toString());
        Tensor[] numeric = numericGrad(xs -> loss(List.of(xs)), X, Y);
        double expected = numeric[0].mul(vx).sum().item() + numeric[1].mul(vy).sum().item();
        assertEquals(expected, Jit.jit(tangent).apply(List.of(X, Y)).item(), 1e-6);
    }
    /**
     * A stop-gradient inside a loop's body stops derivatives in every composition, also when the body's graph
     * is differentiated later by interpreting it ({@code jit(grad)}): twice {@code c <- c * stop(c)} from
     * {@code c = p} gives {@code p^4} whose derivative with the stops is {@code p^3}, not {@code 4 p^3}.
     */
    @Test
    void stopGradientInALoopBodyHoldsInEveryComposition() {
        Function<Tensor, Tensor> f = p -> Control.whileLoop(c -> c.get(1).lt(2),
                c -> List.of(c.get(0).mul(Functional.stopGradient(c.get(0))), c.get(1).add(1)),
                List.of(p, Tensor.scalar(0, DType.INT32))).get(0).sum();
        Tensor p = Tensor.scalar(1.5, DType.FLOAT64);
        double expected = Math.pow(1.5, 3);
        Function<Tensor, Tensor> grad = Functional.grad(f);
        assertEquals(expected, grad.apply(p).item(), 1e-12, "eager");
        assertEquals(expected, Functional.grad(Jit.jit(f)).apply(p).item(), 1e-12, "grad(jit)");
        assertEquals(expected, Jit.jit(grad).apply(p).item(), 1e-12, "jit(grad)");
        assertEquals(Math.pow(1.5, 4), Jit.jit(f).apply(p).item(), 1e-12, "the values pass");
    }
}

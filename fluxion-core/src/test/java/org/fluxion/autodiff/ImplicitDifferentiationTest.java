package org.fluxion.autodiff;

import static org.fluxion.autodiff.PrimitiveSpecs.normal;
import static org.fluxion.autodiff.PrimitiveSpecs.uniform;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.ops.LinearAlgebra;
import org.fluxion.ops.MatrixParts;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.ConvergenceException;
import org.fluxion.transforms.Implicit;
import org.fluxion.transforms.Krylov;
import org.junit.jupiter.api.Test;

/**
 * rootFind, fixedPoint and linearSolve: values against direct computations, derivatives against finite
 * differences (first and second order, forward and reverse) and against differentiating the unrolled
 * iterations, which must agree at convergence.
 */
class ImplicitDifferentiationTest {
    /** {@code x^3 + a x - c}, elementwise: one real root for a > 0. */
    private static final BiFunction<Tensor, Tensor[], Tensor> CUBIC =
            (x, p) -> x.pow(3).add(p[0].mul(x)).sub(p[1]);

    private static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what + ": size");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * (1 + Math.abs(e[i])), what + ": element " + i);
        }
    }

    @Test
    void rootFindDerivativesMatchFiniteDifferencesAndUnrolledNewton() {
        Random r = new Random(1);
        Tensor a = uniform(r, 0.5, 2, 3);
        Tensor c = normal(r, 3);
        Function<Tensor[], Tensor> root = p -> Implicit.rootFind(CUBIC, Tensor.zeros(DType.FLOAT64, 3), p,
                Implicit.RootOptions.newton());
        Tensor x = root.apply(new Tensor[] {a, c});
        assertClose("g(x*) = 0", Tensor.zeros(DType.FLOAT64, 3), CUBIC.apply(x, new Tensor[] {a, c}), 1e-10);
        GradCheck.check("rootFind", root, new Tensor[] {a, c}, 1e-6, 2, 1);
        // Newton's iterations on the tape, differentiated step by step: the same gradient at convergence.
        Function<Tensor[], Tensor> unrolled = p -> {
            Tensor y = Tensor.zeros(DType.FLOAT64, 3);
            for (int k = 0; k < 40; k++) {
                y = y.sub(CUBIC.apply(y, p).div(y.square().mul(3).add(p[0])));
            }
            return y.sum();
        };
        Tensor[] implicitGrads = Functional.valueAndGrad((Tensor[] p) -> root.apply(p).sum()).apply(new Tensor[] {a, c}).grads();
        Tensor[] unrolledGrads = Functional.valueAndGrad(unrolled).apply(new Tensor[] {a, c}).grads();
        assertClose("d/da", unrolledGrads[0], implicitGrads[0], 1e-10);
        assertClose("d/dc", unrolledGrads[1], implicitGrads[1], 1e-10);
    }

    /** A deep-equilibrium layer: {@code z = tanh(W z + x)} with a contractive W. */
    @Test
    void fixedPointOfAnEquilibriumLayer() {
        Random r = new Random(2);
        Tensor w = normal(r, 4, 4).mul(0.15);
        Tensor x = normal(r, 4, 1);
        BiFunction<Tensor, Tensor[], Tensor> layer = (z, p) -> p[0].matmul(z).add(p[1]).tanh();
        Tensor z0 = Tensor.zeros(DType.FLOAT64, 4, 1);
        for (Implicit.RootMethod m : Implicit.RootMethod.values()) {
            Implicit.RootOptions o = new Implicit.RootOptions(m, 1e-12, 200);
            Function<Tensor[], Tensor> deq = p -> Implicit.fixedPoint(layer, z0, p, o);
            Tensor z = deq.apply(new Tensor[] {w, x});
            assertClose(m + ": z = f(z)", layer.apply(z, new Tensor[] {w, x}), z, 1e-11);
            GradCheck.check("fixedPoint " + m, deq, new Tensor[] {w, x}, 1e-6, m == Implicit.RootMethod.NEWTON ? 2 : 1, 2);
        }
        Function<Tensor[], Tensor> unrolled = p -> {
            Tensor z = z0;
            for (int k = 0; k < 200; k++) {
                z = layer.apply(z, p);
            }
            return z.square().sum();
        };
        Function<Tensor[], Tensor> implicit = p -> Implicit.fixedPoint(layer, z0, p,
                Implicit.RootOptions.newton()).square().sum();
        Tensor[] expected = Functional.valueAndGrad(unrolled).apply(new Tensor[] {w, x}).grads();
        Tensor[] actual = Functional.valueAndGrad(implicit).apply(new Tensor[] {w, x}).grads();
        assertClose("dL/dW", expected[0], actual[0], 1e-10);
        assertClose("dL/dx", expected[1], actual[1], 1e-10);
    }

    @Test
    void theMatrixFreeAdjointGivesFirstDerivativesAndRefusesHigherOnes() {
        Random r = new Random(6);
        Tensor w = normal(r, 5, 5).mul(0.1);
        Tensor x = normal(r, 5, 1);
        BiFunction<Tensor, Tensor[], Tensor> layer = (z, p) -> p[0].matmul(z).add(p[1]).tanh();
        Implicit.RootOptions o = new Implicit.RootOptions(Implicit.RootMethod.FIXED_POINT_ITERATION, 1e-13, 200,
                Implicit.Adjoint.GMRES);
        Function<Tensor[], Tensor> deq = p -> Implicit.fixedPoint(layer, Tensor.zeros(DType.FLOAT64, 5, 1), p, o);
        GradCheck.check("fixedPoint, GMRES adjoint", deq, new Tensor[] {w, x}, 1e-6, 1, 6);
        var e = assertThrows(UnsupportedOperationException.class,
                () -> Functional.hessian((Tensor[] p) -> deq.apply(p).sum(), 0).apply(new Tensor[] {w, x}));
        assertMessage(e, "rootFind", "GMRES", "first derivatives", "DENSE");
    }

    @Test
    void linearSolveWithMatrixFreeOperators() {
        Random r = new Random(3);
        Tensor m = normal(r, 5, 5);
        Tensor spd = m.matmul(m.transpose()).add(Tensor.eye(5, 5, DType.FLOAT64));
        Tensor nonsym = normal(r, 5, 5).mul(0.3);
        Tensor b = normal(r, 5);
        Tensor d = uniform(r, 1, 2, 5);
        // A(d) = diag(d) + S (symmetric positive definite) and B(d) = diag(d) + N (not symmetric).
        BiFunction<Tensor, Tensor[], Tensor> symmetric = (v, p) -> p[0].mul(v).add(spd.matmul(v.unsqueeze(-1)).squeeze(-1));
        BiFunction<Tensor, Tensor[], Tensor> general = (v, p) -> p[0].mul(v).add(nonsym.matmul(v.unsqueeze(-1)).squeeze(-1));
        Tensor dense = MatrixParts.diagEmbed(d).add(spd);
        Tensor denseGeneral = MatrixParts.diagEmbed(d).add(nonsym);
        Implicit.LinearSolveOptions cg = Implicit.LinearSolveOptions.cg();
        Implicit.LinearSolveOptions gmres = Implicit.LinearSolveOptions.gmres();
        Implicit.LinearSolveOptions bicgstab = new Implicit.LinearSolveOptions(Krylov.Method.BICGSTAB, 1e-12, 1000, false);
        assertClose("cg", LinearAlgebra.solve(dense, b.unsqueeze(-1)).squeeze(-1),
                Implicit.linearSolve(symmetric, b, new Tensor[] {d}, cg), 1e-10);
        Tensor expected = LinearAlgebra.solve(denseGeneral, b.unsqueeze(-1)).squeeze(-1);
        assertClose("gmres", expected, Implicit.linearSolve(general, b, new Tensor[] {d}, gmres), 1e-10);
        assertClose("bicgstab", expected, Implicit.linearSolve(general, b, new Tensor[] {d}, bicgstab), 1e-10);
        GradCheck.check("linearSolve cg", x -> Implicit.linearSolve(symmetric, x[0], new Tensor[] {x[1]}, cg),
                new Tensor[] {b, d}, 1e-6, 2, 3);
        GradCheck.check("linearSolve gmres", x -> Implicit.linearSolve(general, x[0], new Tensor[] {x[1]}, gmres),
                new Tensor[] {b, d}, 1e-6, 2, 4);
    }

    @Test
    void solversThatDoNotConvergeSaySo() {
        var e = assertThrows(ConvergenceException.class, () -> Implicit.rootFind(CUBIC, Tensor.zeros(DType.FLOAT64, 2),
                new Tensor[] {Tensor.ones(DType.FLOAT64, 2), Tensor.full(5, DType.FLOAT64, 2)},
                new Implicit.RootOptions(Implicit.RootMethod.NEWTON, 1e-12, 2)));
        assertMessage(e, "rootFind (newton)", "2 iterations", "tolerance 1.0E-12");
        Tensor a = normal(new Random(4), 30, 30);
        var k = assertThrows(ConvergenceException.class, () -> Krylov.gmres(v -> a.matmul(v), normal(new Random(5), 30, 1),
                Tensor.zeros(DType.FLOAT64, 30, 1), 1e-14, 3));
        assertMessage(k, "gmres", "3 iterations");
    }
}

package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A tensor right-hand side seen as plain Java: values, AD Jacobians and VJPs, float32, shape errors. */
class TensorOdeTest {
    /** Lotka–Volterra with the parameters as one vector (a, b, c, d), written with tensor operations. */
    static final TensorField LOTKA_VOLTERRA = (u, t, params) -> {
        Tensor p = params[0];
        Tensor x = u.slice(0, 0, 1);
        Tensor y = u.slice(0, 1, 2);
        Tensor xy = x.mul(y);
        Tensor dx = p.slice(0, 0, 1).mul(x).sub(p.slice(0, 1, 2).mul(xy));
        Tensor dy = p.slice(0, 2, 3).neg().mul(y).add(p.slice(0, 3, 4).mul(xy));
        return Tensor.concat(0, dx, dy);
    };

    static TensorOde lotkaVolterra(DType dtype) {
        return TensorOde.of(LOTKA_VOLTERRA, Tensor.zeros(dtype, 2), Tensor.zeros(dtype, 4));
    }

    @Test
    void evaluatesLikeThePlainJavaRightHandSide() {
        TensorOde ode = lotkaVolterra(DType.FLOAT64);
        OdeProblem plain = ProblemLibrary.lotkaVolterra();
        double[] u = {1.3, 0.7};
        double[] expected = new double[2];
        plain.f().evaluate(expected, u, plain.p(), 0);
        double[] actual = new double[2];
        ode.function().evaluate(actual, u, plain.p(), 0);
        assertArrayEquals(expected, actual, 1e-15);
    }

    @Test
    void solvesLikeThePlainJavaProblemInFloat64AndFloat32() {
        OdeProblem plain = ProblemLibrary.lotkaVolterra();
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-9, 1e-11);
        double[] expected = Ode.solve(plain, Method.DP5, o).last();
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            TensorOde ode = lotkaVolterra(dtype);
            OdeProblem p = ode.problem(Tensor.of(new double[] {1, 1}, 2).to(dtype),
                    new Tensor[] {Tensor.of(plain.p(), 4).to(dtype)}, 0, 10);
            double[] actual = Ode.solve(p, Method.DP5, o).last();
            // float32 rounds every evaluation of the field: about 1e-7 relative per step, amplified a little.
            assertArrayEquals(expected, actual, dtype == DType.FLOAT64 ? 1e-12 : 2e-4, dtype.toString());
        }
    }

    @Test
    void jacobianAndVjpFromAutodiffMatchFiniteDifferences() {
        jacobianAndVjpMatchFiniteDifferences(lotkaVolterra(DType.FLOAT64));
    }

    @Test
    void compiledFieldGivesTheSameValuesJacobiansAndVjps() {
        TensorOde ode = lotkaVolterra(DType.FLOAT64).compiled();
        jacobianAndVjpMatchFiniteDifferences(ode);
        OdeProblem plain = ProblemLibrary.lotkaVolterra();
        double[] expected = new double[2];
        double[] actual = new double[2];
        for (double x = 0.5; x < 2; x += 0.25) {
            double[] u = {x, 2 - x};
            plain.f().evaluate(expected, u, plain.p(), 0);
            ode.function().evaluate(actual, u, plain.p(), 0);
            assertArrayEquals(expected, actual, 1e-15, "compiled plan at u = " + java.util.Arrays.toString(u));
        }
    }

    private static void jacobianAndVjpMatchFiniteDifferences(TensorOde ode) {
        OdeProblem plain = ProblemLibrary.lotkaVolterra();
        double[] u = {1.3, 0.7};
        double[] p = {1.5, 1.1, 3.2, 0.9};
        Derivatives ad = ode.derivatives();
        Derivatives fd = Derivatives.finiteDifferences(plain.f(), null);
        double[] juAd = new double[4];
        double[] jpAd = new double[8];
        double[] juFd = new double[4];
        double[] jpFd = new double[8];
        ad.jacobians(0.5, u, p, juAd, jpAd);
        fd.jacobians(0.5, u, p, juFd, jpFd);
        assertArrayEquals(juFd, juAd, 1e-9);
        assertArrayEquals(jpFd, jpAd, 1e-9);
        double[] jac = new double[4];
        ode.jacobian().evaluate(jac, u, p, 0.5);
        assertArrayEquals(juAd, jac, 1e-15);
        double[] lambda = {0.3, -1.7};
        double[] vuAd = new double[2];
        double[] vpAd = new double[4];
        ad.vjp(0.5, u, p, lambda, vuAd, vpAd);
        for (int j = 0; j < 2; j++) {
            assertEquals(lambda[0] * juAd[j] + lambda[1] * juAd[2 + j], vuAd[j], 1e-14, "lambda^T J_u");
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(lambda[0] * jpAd[k] + lambda[1] * jpAd[4 + k], vpAd[k], 1e-14, "lambda^T J_p");
        }
    }

    @Test
    void shapeErrorsNameBothShapes() {
        TensorOde wrong = TensorOde.of((u, t, ps) -> u.sum(), Tensor.zeros(DType.FLOAT64, 3));
        var e = assertThrows(IllegalStateException.class,
                () -> wrong.function().evaluate(new double[3], new double[3], new double[0], 0));
        assertTrue(e.getMessage().contains("returned shape []") && e.getMessage().contains("state of shape [3]"),
                e.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> lotkaVolterra(DType.FLOAT64)
                .problem(Tensor.zeros(DType.FLOAT64, 2), new Tensor[] {Tensor.zeros(DType.FLOAT64, 3)}, 0, 1));
        assertTrue(p.getMessage().contains("parameter 0 of shape [3], expected [4]"), p.getMessage());
    }
}

package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A state that is a tree of tensors ({@link Odeint#solveTree}): a damped oscillator whose position is {@code [2, 1]},
 * velocity {@code [2]} and an energy-like accumulator a scalar, held in a record. The solve and its gradients
 * by each route (interpolating adjoint, taped discrete solve, discrete adjoint) against the same system written
 * on one flat state, and the gradient in the stiffness k against central differences.
 */
class TreeStateTest {
    /** The state: positions, velocities, and the integral of the kinetic energy. */
    record Oscillator(Tensor x, Tensor v, Tensor e) {
    }

    private static final double[] TIMES = {0, 0.5, 1.5, 3};

    /** x' = v, v' = -k x - 0.1 v, e' = sum(v^2) / 2; k = params[0] (a scalar). */
    static final TreeField<Oscillator> FIELD = (u, t, ps) -> {
        Tensor x = u.x().reshape(2);
        Tensor dv = x.mul(ps[0]).neg().sub(u.v().mul(0.1));
        return new Oscillator(u.v().reshape(2, 1), dv, u.v().square().sum().mul(0.5));
    };

    /** The same system on a flat state {@code [x0, x1, v0, v1, e]}. */
    static final TensorField FLAT = (u, t, ps) -> {
        Tensor x = u.slice(0, 0, 2);
        Tensor v = u.slice(0, 2, 4);
        Tensor dv = x.mul(ps[0]).neg().sub(v.mul(0.1));
        return Tensor.concat(0, v, dv, v.square().sum().mul(0.5).reshape(1));
    };

    private static Oscillator initial(DType dtype, boolean grad) {
        return new Oscillator(Tensor.of(new double[] {1, -0.5}, 2, 1).to(dtype).requiresGrad(grad),
                Tensor.of(new double[] {0.2, 0.3}, 2).to(dtype).requiresGrad(grad),
                Tensor.scalar(0.0, dtype).requiresGrad(grad));
    }

    /** A weighted sum of every state at every time. */
    private static Tensor loss(Oscillator ys) {
        return ys.x().mul(Tensor.of(new double[] {0.3, -1.2, 0.8, 0.5, -0.7, 1.1, 0.9, -0.4}, 4, 2, 1)
                .to(ys.x().dtype())).sum().add(ys.v().mul(ys.v()).sum()).add(ys.e().sum().mul(0.7));
    }

    @Test
    void solvesAndDifferentiatesLikeTheFlatState() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-9, 1e-11);
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
            SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT}) {
            Oscillator u0 = initial(DType.FLOAT64, true);
            Tensor k = Tensor.scalar(2.0, DType.FLOAT64).requiresGrad(true);
            Oscillator ys = Odeint.solveTree(FIELD, u0, new Tensor[] {k}, TIMES, Method.DP5, o, how);
            assertArrayEquals(new int[] {4, 2, 1}, ys.x().dims(), how + ": x over time");
            assertArrayEquals(new int[] {4, 2}, ys.v().dims(), how + ": v over time");
            assertArrayEquals(new int[] {4}, ys.e().dims(), how + ": e over time");
            loss(ys).backward();

            Tensor flat0 = Tensor.of(new double[] {1, -0.5, 0.2, 0.3, 0}, 5).requiresGrad(true);
            Tensor k2 = Tensor.scalar(2.0, DType.FLOAT64).requiresGrad(true);
            Tensor flat = Odeint.solve(FLAT, flat0, new Tensor[] {k2}, TIMES, Method.DP5, o, how);
            Oscillator asTree = new Oscillator(flat.slice(1, 0, 2).reshape(4, 2, 1), flat.slice(1, 2, 4),
                    flat.slice(1, 4, 5).reshape(4));
            loss(asTree).backward();

            assertClose(asTree.x().toDoubleArray(), ys.x().toDoubleArray(), how + ": x");
            assertClose(asTree.e().toDoubleArray(), ys.e().toDoubleArray(), how + ": e");
            double[] g = flat0.grad().toDoubleArray();
            assertClose(new double[] {g[0], g[1]}, u0.x().grad().toDoubleArray(), how + ": dL/dx0");
            assertClose(new double[] {g[2], g[3]}, u0.v().grad().toDoubleArray(), how + ": dL/dv0");
            assertClose(new double[] {g[4]}, u0.e().grad().toDoubleArray(), how + ": dL/de0");
            assertClose(k2.grad().toDoubleArray(), k.grad().toDoubleArray(), how + ": dL/dk");

            double fd = (lossAt(2.0 + 1e-5) - lossAt(2.0 - 1e-5)) / 2e-5;
            assertEquals(fd, k.grad().item(), 1e-5 * Math.max(1, Math.abs(fd)), how + ": dL/dk against differences");
        }
    }

    @Test
    void float32Leaves() {
        Oscillator ys = Odeint.solveTree(FIELD, initial(DType.FLOAT32, false),
                new Tensor[] {Tensor.scalar(2.0, DType.FLOAT32)}, TIMES, Method.DP5,
                SolverOptions.defaults().withTolerances(1e-5, 1e-7), SensitivityMethod.DISCRETE_ADJOINT);
        assertEquals(DType.FLOAT32, ys.v().dtype());
        double[] v64 = Odeint.solveTree(FIELD, initial(DType.FLOAT64, false),
                new Tensor[] {Tensor.scalar(2.0, DType.FLOAT64)}, TIMES, Method.DP5,
                SolverOptions.defaults().withTolerances(1e-9, 1e-11), SensitivityMethod.DISCRETE_ADJOINT).v()
                .toDoubleArray();
        double[] v32 = ys.v().toDoubleArray();
        for (int i = 0; i < v64.length; i++) {
            assertEquals(v64[i], v32[i], 1e-4, "v[" + i + "]");
        }
    }

    @Test
    void refusesMixedDtypesAndAFieldOfAnotherShape() {
        SolverOptions o = SolverOptions.defaults();
        List<Tensor> mixed = List.of(Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT32, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Odeint.solveTree(
                (u, t, ps) -> u, mixed, new Tensor[0], TIMES, Method.DP5, o, SensitivityMethod.DISCRETE));
        assertTrue(e.getMessage().contains("leaf 1") && e.getMessage().contains("FLOAT32"), e.getMessage());
        List<Tensor> two = List.of(Tensor.zeros(DType.FLOAT64, 2), Tensor.zeros(DType.FLOAT64, 3));
        e = assertThrows(IllegalArgumentException.class, () -> Odeint.solveTree(
                (u, t, ps) -> List.of(u.get(0), u.get(0)), two, new Tensor[0], TIMES, Method.DP5, o,
                SensitivityMethod.DISCRETE));
        assertTrue(e.getMessage().contains("leaf 1") && e.getMessage().contains("shape"), e.getMessage());
    }

    private static double lossAt(double k) {
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14);
        return loss(Odeint.solveTree(FIELD, initial(DType.FLOAT64, false),
                new Tensor[] {Tensor.scalar(k, DType.FLOAT64)}, TIMES, Method.DOP853, tight,
                SensitivityMethod.INTERPOLATING_ADJOINT)).item();
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-10 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}

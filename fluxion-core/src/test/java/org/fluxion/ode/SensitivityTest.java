package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every sensitivity method against central finite differences of tight solves, on Lotka–Volterra (loss
 * observed at five times, one of them t0) with derivatives from AD and from finite differences, and on a
 * stiff Van der Pol with Rodas4.
 */
class SensitivityTest {
    private static final double[] SAVE_AT = {0, 1, 2.5, 5, 7.5, 10};

    /** Random weights w_i: the loss is {@code L = sum_i w_i . u(t_i)}, so {@code dL/du(t_i) = w_i}. */
    static double[][] weights(int points, int n, long seed) {
        Random rng = new Random(seed);
        double[][] w = new double[points][n];
        for (double[] row : w) {
            for (int i = 0; i < n; i++) {
                row[i] = rng.nextGaussian();
            }
        }
        return w;
    }

    static double loss(OdeProblem problem, Method method, SolverOptions options, double[][] w) {
        Solution s = Ode.solve(problem, method, options);
        double l = 0;
        for (int i = 0; i < s.points(); i++) {
            for (int j = 0; j < w[i].length; j++) {
                l += w[i][j] * s.u()[i][j];
            }
        }
        return l;
    }

    /** {@code dL/d(u0, p)} by central differences of solves with {@code options}. */
    static double[] finiteDifferenceGradient(OdeProblem problem, Method method, SolverOptions options, double[][] w) {
        int n = problem.size();
        int np = problem.p().length;
        double[] grad = new double[n + np];
        for (int k = 0; k < n + np; k++) {
            double[] u0 = problem.u0().clone();
            double[] p = problem.p().clone();
            double x = k < n ? u0[k] : p[k - n];
            double h = 1e-5 * Math.max(1, Math.abs(x));
            double[] plus = new double[2];
            for (int side = 0; side < 2; side++) {
                double v = x + (side == 0 ? h : -h);
                if (k < n) {
                    u0[k] = v;
                } else {
                    p[k - n] = v;
                }
                plus[side] = loss(problem.withInitialState(u0).withParameters(p), method, options, w);
            }
            grad[k] = (plus[0] - plus[1]) / (2 * h);
        }
        return grad;
    }

    static double[] concat(Gradient g) {
        double[] out = new double[g.initialState().length + g.parameters().length];
        System.arraycopy(g.initialState(), 0, out, 0, g.initialState().length);
        System.arraycopy(g.parameters(), 0, out, g.initialState().length, g.parameters().length);
        return out;
    }

    /** {@code max |a - b| / max |b|}. */
    static double normwiseError(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }

    @Test
    void everyMethodMatchesFiniteDifferencesOnLotkaVolterra() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        double[][] w = weights(SAVE_AT.length, 2, 14);
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14).withSaveAt(SAVE_AT);
        double[] reference = finiteDifferenceGradient(lv, Method.DOP853, tight, w);
        TensorOde ode = TensorOdeTest.lotkaVolterra(DType.FLOAT64);
        Derivatives[] sources = {ode.derivatives(), Derivatives.finiteDifferences(lv.f(), null)};
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-10, 1e-12).withSaveAt(SAVE_AT);
        for (Derivatives d : sources) {
            for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
                    SensitivityMethod.BACKSOLVE_ADJOINT, SensitivityMethod.INTERPOLATING_ADJOINT,
                    SensitivityMethod.CHECKPOINTED_ADJOINT}) {
                Gradient g = Sensitivity.gradient(lv, d, Method.DP5, o, w, how);
                double err = normwiseError(concat(g), reference);
                assertTrue(err < 1e-6, how + " with " + (d == sources[0] ? "AD" : "FD") + " derivatives: error "
                        + err + "\n  got      " + java.util.Arrays.toString(concat(g)) + "\n  expected "
                        + java.util.Arrays.toString(reference));
                assertEquals(how, g.method());
            }
        }
    }

    /**
     * {@code vjpAddingParameters} is {@code vjp} with the parameter cotangent added to a running sum, to the bit:
     * the interface's default (finite differences here) and {@link TensorOde}'s own.
     */
    @Test
    void vjpAddingParametersAddsWhatVjpWrites() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        double[] u = {1.3, 0.7};
        double[] lambda = {0.4, -1.1};
        Derivatives[] sources = {TensorOdeTest.lotkaVolterra(DType.FLOAT64).derivatives(),
            Derivatives.finiteDifferences(lv.f(), null)};
        for (Derivatives d : sources) {
            double[] outU = new double[2];
            double[] outP = new double[4];
            d.vjp(0.5, u, lv.p(), lambda, outU, outP);
            double[] sum = {1, -2, 3, 0.5};
            double[] expected = new double[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = sum[i] + outP[i];
            }
            double[] addU = new double[2];
            d.vjpAddingParameters(0.5, u, lv.p(), lambda, addU, sum);
            assertArrayEquals(outU, addU, 0, "the state's cotangent");
            assertArrayEquals(expected, sum, 0, "the parameters' running sum");
        }
    }

    @Test
    void autoChoosesForwardForSmallProblems() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        SolverOptions o = SolverOptions.defaults().withSaveAt(5, 10);
        Gradient g = Sensitivity.gradient(lv, Derivatives.finiteDifferences(lv.f(), null), Method.TSIT5, o,
                weights(2, 2, 1), SensitivityMethod.AUTO);
        assertEquals(SensitivityMethod.FORWARD, g.method());
    }

    /** Van der Pol with mu = 10 (mildly stiff) and Rodas4: the adjoints use the exact adjoint Jacobian. */
    @Test
    void stiffMethodSensitivitiesMatchFiniteDifferences() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(10, 5);
        double[] ts = {1, 2, 3, 4, 5};
        double[][] w = weights(ts.length, 2, 7);
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14).withSaveAt(ts);
        double[] reference = finiteDifferenceGradient(vdp, Method.RODAS4, tight, w);
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-9, 1e-11).withSaveAt(ts);
        Derivatives d = Derivatives.finiteDifferences(vdp.f(), vdp.jacobian());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
                SensitivityMethod.INTERPOLATING_ADJOINT, SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(vdp, d, Method.RODAS4, o, w, how);
            double err = normwiseError(concat(g), reference);
            assertTrue(err < 1e-5, how + ": error " + err + "\n  got      " + java.util.Arrays.toString(concat(g))
                    + "\n  expected " + java.util.Arrays.toString(reference));
        }
    }

    /** RK4 at a fixed step: the adjoint solves reuse the step. */
    @Test
    void fixedStepAdjoint() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        double[][] w = weights(SAVE_AT.length, 2, 3);
        SolverOptions o = SolverOptions.defaults().withFixedStep(1e-3).withSaveAt(SAVE_AT);
        double[] reference = finiteDifferenceGradient(lv, Method.DOP853,
                SolverOptions.defaults().withTolerances(1e-12, 1e-14).withSaveAt(SAVE_AT), w);
        Gradient g = Sensitivity.gradient(lv, Derivatives.finiteDifferences(lv.f(), null), Method.RK4, o, w,
                SensitivityMethod.INTERPOLATING_ADJOINT);
        assertTrue(normwiseError(concat(g), reference) < 1e-8, java.util.Arrays.toString(concat(g)));
    }

    @Test
    void clearErrors() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        Derivatives d = Derivatives.finiteDifferences(lv.f(), null);
        var noSave = assertThrows(IllegalArgumentException.class, () -> Sensitivity.gradient(lv, d, Method.DP5,
                SolverOptions.defaults(), new double[][] {{1, 1}}, SensitivityMethod.FORWARD));
        assertTrue(noSave.getMessage().contains("withSaveAt"), noSave.getMessage());
        var count = assertThrows(IllegalArgumentException.class, () -> Sensitivity.gradient(lv, d, Method.DP5,
                SolverOptions.defaults().withSaveAt(1, 2), new double[][] {{1, 1}}, SensitivityMethod.FORWARD));
        assertTrue(count.getMessage().contains("1 cotangents for 2 save times"), count.getMessage());
    }
}

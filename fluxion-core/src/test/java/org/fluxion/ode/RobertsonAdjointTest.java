package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The seed's point about stiff problems (issue 14): on Robertson's chemical kinetics to t = 1e5, the naive
 * backsolve adjoint, which re-integrates the stiff state backwards, is unstable (the solve blows up or the
 * gradient is wrong), while the interpolating and checkpointed adjoints match the forward sensitivities to
 * 1e-5 relative. For the adjoints the right-hand side is written with tensor operations, every Jacobian
 * and VJP from Fluxion's AD (compiled by jit); the reference forward sensitivities use the plain-Java problem with
 * hand-derived derivatives (independent of the AD being tested, and fast).
 */
class RobertsonAdjointTest {
    /** Robertson's {@code df/du} (from the problem) and {@code df/dp}, by hand. */
    static final Derivatives ANALYTIC = ProblemLibrary.robertsonDerivatives();

    /** Robertson with p = (k1, k2, k3) as one tensor. */
    static final TensorField ROBERTSON = (u, t, params) -> {
        Tensor k = params[0];
        Tensor y1 = u.slice(0, 0, 1);
        Tensor y2 = u.slice(0, 1, 2);
        Tensor y3 = u.slice(0, 2, 3);
        Tensor r1 = k.slice(0, 0, 1).mul(y1);
        Tensor r2 = k.slice(0, 1, 2).mul(y2).mul(y2);
        Tensor r3 = k.slice(0, 2, 3).mul(y2).mul(y3);
        return Tensor.concat(0, r3.sub(r1), r1.sub(r2).sub(r3), r2);
    };

    /** Observations at log-spaced times up to 1e5 (also the checkpoints of the checkpointed adjoint). */
    static final double[] SAVE_AT = {1e-2, 1, 1e2, 1e3, 1e4, 1e5};

    static OdeProblem problem(TensorOde ode) {
        return ode.problem(Tensor.of(new double[] {1, 0, 0}, 3),
                new Tensor[] {Tensor.of(new double[] {0.04, 3e7, 1e4}, 3)}, 0, 1e5);
    }

    /** Per-component tolerances: y2 lives around 1e-5 .. 1e-8. */
    static SolverOptions options() {
        return SolverOptions.defaults().withTolerances(new double[] {1e-9, 1e-9, 1e-9},
                new double[] {1e-13, 1e-17, 1e-13}).withSaveAt(SAVE_AT);
    }

    @Test
    void backsolveIsUnstableWhileCheckpointedAndInterpolatingAdjointsMatchForwardSensitivities() {
        TensorOde ode = TensorOde.of(ROBERTSON, Tensor.zeros(DType.FLOAT64, 3), Tensor.zeros(DType.FLOAT64, 3))
                .compiled();
        OdeProblem rober = problem(ode);
        Derivatives d = ode.derivatives();
        double[][] w = SensitivityTest.weights(SAVE_AT.length, 3, 5);
        SolverOptions adjointTolerances = SolverOptions.defaults().withTolerances(1e-9, 1e-13);
        OdeProblem plain = ProblemLibrary.robertson();
        Gradient forward = Sensitivity.gradient(plain, ANALYTIC, Method.RODAS4, options(), w,
                SensitivityMethod.FORWARD);
        double[] reference = scaled(forward, rober.p());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(rober, d, Method.RODAS4, options(), w, how, adjointTolerances);
            double[] got = scaled(g, rober.p());
            for (int k = 0; k < got.length; k++) {
                double rel = Math.abs(got[k] - reference[k]) / Math.abs(reference[k]);
                assertTrue(rel < 1e-5, how + ": component " + k + " relative error " + rel + "\n  got      "
                        + Arrays.toString(got) + "\n  forward  " + Arrays.toString(reference));
            }
        }
        String backsolve;
        try {
            Gradient g = Sensitivity.gradient(rober, d, Method.RODAS4, options(), w,
                    SensitivityMethod.BACKSOLVE_ADJOINT, adjointTolerances.withBudget(20_000, 2_000_000));
            double err = SensitivityTest.normwiseError(scaled(g, rober.p()), reference);
            backsolve = "normwise error " + err + ": " + Arrays.toString(scaled(g, rober.p()));
            assertTrue(!(err < 1e-2), "the backsolve adjoint was expected to fail on Robertson, got " + backsolve);
        } catch (OdeSolveException e) {
            backsolve = e.reason() + " at t = " + e.time() + ": " + e.getMessage();
        }
        System.out.println("Robertson backsolve adjoint: " + backsolve);
    }

    /** The gradient as (dL/du0, p_k dL/dp_k): parameters of very different sizes made comparable. */
    private static double[] scaled(Gradient g, double[] p) {
        double[] out = SensitivityTest.concat(g);
        for (int k = 0; k < p.length; k++) {
            out[3 + k] *= p[k];
        }
        return out;
    }
}

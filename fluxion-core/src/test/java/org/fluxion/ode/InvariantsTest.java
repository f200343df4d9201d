package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Conserved quantities along whole trajectories: every saved step, not only the end. */
class InvariantsTest {
    @Test
    void lotkaVolterraFirstIntegral() {
        OdeProblem lv = ProblemLibrary.lotkaVolterra();
        double[] p = lv.p();
        Solution s = Ode.solve(lv, Method.TSIT5, SolverOptions.defaults().withTolerances(1e-10, 1e-12));
        double v0 = lvInvariant(lv.u0(), p);
        for (double[] u : s.u()) {
            assertEquals(v0, lvInvariant(u, p), 1e-8, "V = d x - c ln x + b y - a ln y");
        }
    }

    @Test
    void pendulumEnergy() {
        OdeProblem pendulum = ProblemLibrary.pendulum();
        Solution s = Ode.solve(pendulum, Method.DOP853, SolverOptions.defaults().withTolerances(1e-11, 1e-13));
        double e0 = energy(pendulum.u0());
        for (double[] u : s.u()) {
            assertEquals(e0, energy(u), 1e-9, "E = omega^2/2 - cos theta");
        }
    }

    private static double lvInvariant(double[] u, double[] p) {
        return p[3] * u[0] - p[2] * Math.log(u[0]) + p[1] * u[1] - p[0] * Math.log(u[1]);
    }

    private static double energy(double[] u) {
        return 0.5 * u[1] * u[1] - Math.cos(u[0]);
    }
}

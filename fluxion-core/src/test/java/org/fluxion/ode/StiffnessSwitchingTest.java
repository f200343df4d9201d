package org.fluxion.ode;

import static org.fluxion.ode.StiffSolversTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Automatic stiffness switching: Van der Pol at mu = 1000 switches to the stiff method (and back during the
 * fast relaxation jumps) and matches the reference; non-stiff problems never switch and take Tsit5's steps.
 */
class StiffnessSwitchingTest {
    private record Run(Solution solution, int switches, int stiffSteps) {
    }

    private static Run run(OdeProblem p, Method m, SolverOptions o) {
        Counters counters = new Counters();
        Rhs rhs = new Rhs(p.f(), p.p(), counters);
        Tolerances tolerances = o.tolerances(p.size());
        SwitchingStepper stepper = (SwitchingStepper) m.stepper(p, rhs, tolerances);
        Solution s = new Integrator(p, stepper, rhs, o, tolerances, m.name()).run();
        return new Run(s, stepper.switches(), stepper.stiffSteps());
    }

    @Test
    void vanDerPolSwitchesToTheStiffMethod() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-8, 1e-10);
        for (Method m : new Method[] {Method.AUTO_TSIT5_RODAS4, Method.AUTO_TSIT5_ROSENBROCK23}) {
            Run r = run(vdp, m, m == Method.AUTO_TSIT5_RODAS4 ? o : SolverOptions.defaults().withTolerances(1e-6, 1e-8));
            String stats = m + " " + r.solution().statistics() + ", " + r.switches() + " switches, " + r.stiffSteps()
                    + " stiff steps";
            assertTrue(r.switches() >= 1, "switches to the stiff method: " + stats);
            assertTrue(r.stiffSteps() * 2 > r.solution().statistics().acceptedSteps(),
                    "most steps are stiff ones: " + stats);
            double rtol = m == Method.AUTO_TSIT5_RODAS4 ? 1e-5 : 1e-3;
            assertClose(new double[] {-1.5106069367440134, 0.0011783800007311074}, r.solution().last(), rtol, stats);
            // Tsit5 alone needs millions of steps on [0, 3000]
            assertTrue(r.solution().statistics().acceptedSteps() < 50_000, stats);
        }
    }

    /** Robertson is stiff from its first transient on: the switch comes early and the result is Rodas4's. */
    @Test
    void robertsonSwitchesEarly() {
        SolverOptions o = SolverOptions.defaults().withTolerances(new double[] {1e-8, 1e-8, 1e-8},
                new double[] {1e-12, 1e-16, 1e-12});
        Run r = run(ProblemLibrary.robertson(), Method.AUTO_TSIT5_RODAS4, o);
        String stats = r.solution().statistics() + ", " + r.switches() + " switches, " + r.stiffSteps()
                + " stiff steps";
        // the explicit steps: the non-stiff initial transient, then the 15 that confirm stiffness
        assertTrue(r.switches() >= 1 && r.stiffSteps() * 4 > 3 * r.solution().statistics().acceptedSteps(), stats);
        // Tsit5 alone: about 12,000 steps (the weighted estimate makes y2, where the stiffness lives, count)
        assertTrue(r.solution().statistics().acceptedSteps() < 1500, stats);
        assertClose(new double[] {0.01786592114212759, 7.274751468447997e-08, 0.9821340061103551},
                r.solution().last(), 1e-5, stats);
    }

    @Test
    void nonStiffProblemsNeverSwitch() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-8, 1e-10);
        for (OdeProblem p : new OdeProblem[] {ProblemLibrary.lotkaVolterra(), ProblemLibrary.pendulum(),
                ProblemLibrary.vanDerPol(1, 20), ProblemLibrary.lorenz()}) {
            Run r = run(p, Method.AUTO_TSIT5_RODAS4, o);
            assertEquals(0, r.switches(), "switches " + r.solution().statistics());
            Solution tsit5 = Ode.solve(p, Method.TSIT5, o);
            assertEquals(tsit5.statistics().acceptedSteps(), r.solution().statistics().acceptedSteps(),
                    "the same steps as Tsit5");
            assertClose(tsit5.last(), r.solution().last(), 1e-12, "the same solution as Tsit5");
            assertEquals(0, r.solution().statistics().jacobianEvaluations());
        }
    }

    /** Save points and events work across switches (the dense output follows the active method). */
    @Test
    void savePointsAcrossSwitches() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        double[] ts = {100, 800, 1500, 2200, 3000};
        Solution auto = Ode.solve(vdp, Method.AUTO_TSIT5_RODAS4,
                SolverOptions.defaults().withTolerances(1e-9, 1e-11).withSaveAt(ts));
        Solution reference = Ode.solve(vdp, Method.RADAU5,
                SolverOptions.defaults().withTolerances(1e-11, 1e-13).withSaveAt(ts));
        for (int i = 0; i < ts.length; i++) {
            assertClose(reference.u()[i], auto.u()[i], 1e-4, "t = " + ts[i]);
        }
    }
}

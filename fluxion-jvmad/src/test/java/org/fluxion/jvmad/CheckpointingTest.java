package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.jvmad.corpus.Algorithms;
import org.fluxion.jvmad.corpus.LongLoops;
import org.fluxion.jvmad.corpus.Mgh;
import org.junit.jupiter.api.Test;

/**
 * Reverse mode under a memory budget (binomial checkpointing of the outermost loops): the gradient is
 * the one computed while recording every iteration, bit for bit; the values stored at once stay
 * within the budget; the iterations run again stay within the binomial bound.
 */
class CheckpointingTest {
    private static double[] lotkaVolterra(int steps) {
        return new double[] {1.1, 0.4, 0.4, 0.1, 1.0, 0.5, steps};
    }

    /** The gradient with every budget in {@code snapshots} equals the one without, and f's value too. */
    private static void sameGradient(Class<?> owner, String name, double[] x, int... snapshots) {
        Gradient plain = JvmAd.grad(owner, name);
        double[] xp = x.clone();
        double[] expected = new double[x.length];
        double value = plain.valueAndGrad(xp, expected);
        for (int s : snapshots) {
            Gradient budgeted = JvmAd.grad(owner, name, Checkpointing.snapshots(s));
            double[] xb = x.clone();
            double[] got = new double[x.length];
            assertEquals(value, budgeted.valueAndGrad(xb, got), 0.0, name + ": value, snapshots=" + s);
            assertArrayEquals(expected, got, 0.0, name + ": gradient, snapshots=" + s);
            // The arrays the method writes end as the method leaves them, as without a budget.
            assertArrayEquals(xp, xb, 0.0, name + ": inputs written in place, snapshots=" + s);
        }
    }

    @Test
    void rk4OverAHundredThousandStepsGivesTheSameGradientWithinTheBudget() {
        int steps = 100_000;
        int snapshots = 10;
        sameGradient(LongLoops.class, "rk4", lotkaVolterra(steps), snapshots, 40);

        Gradient g = JvmAd.grad(LongLoops.class, "rk4", Checkpointing.snapshots(snapshots));
        g.apply(lotkaVolterra(1));
        long oneStep = g.lastCheckpointStats().peakStoredValues();
        assertTrue(oneStep > 0, "one step stores its records");
        g.apply(lotkaVolterra(steps));
        Gradient.CheckpointStats stats = g.lastCheckpointStats();
        // The state: y, k1..k4, tmp, p (16 doubles: p too, written by its initializer, since the
        // analysis of written arrays does not look at where) and the loop counter. One step holds the
        // entry's and the final copy, the budget adds at most `snapshots` more; the tape holds one
        // step's records.
        long state = 17;
        assertTrue(stats.peakStoredValues() <= oneStep + snapshots * state,
                "stored " + stats.peakStoredValues() + " at once; one step stores " + oneStep);
        assertTrue(stats.peakStoredValues() < steps / 100, "far below one record per step");
        // C(10 + 10, 10) >= 10^5 > C(10 + 9, 10): no step runs more than 11 times in the reverse sweep.
        assertTrue(stats.iterationsRun() <= 11L * (steps + 1), "ran " + stats.iterationsRun());
        assertTrue(stats.iterationsRun() > steps, "every step is recorded once, and some run again");
    }

    @Test
    void shortLoopsWithEveryStateShape() {
        sameGradient(LongLoops.class, "rk4", lotkaVolterra(50), 1, 2, 3, 7, 100);
        sameGradient(LongLoops.class, "scalarState", new double[] {0.3, -0.7, 0.2}, 1, 4, 1000);
        sameGradient(LongLoops.class, "whileWithTwoExits", new double[] {1.7, 0.3}, 1, 3);
        sameGradient(LongLoops.class, "returnsInLoop", new double[] {1, 2, 0.5}, 1, 2);
        sameGradient(LongLoops.class, "returnsInLoop", new double[] {1, 2, 3.5}, 1, 2);
        sameGradient(LongLoops.class, "doWhileAtEntry", new double[] {0.1, -0.4, 0.8, 0.3}, 1, 2, 50);
        sameGradient(Mgh.class, "rosenbrock", new double[] {-1.2, 1, 0.5, 0.3, 0.9, -0.2}, 1, 2);
        sameGradient(Algorithms.class, "newtonSqrtSum", new double[] {0.3, 2.5, 7, 11}, 1, 2);
        sameGradient(Algorithms.class, "mlpLoss", new java.util.Random(3).doubles(Algorithms.PARAMETERS).toArray(),
                1, 3);
        sameGradient(Algorithms.class, "thomas",
                new double[] {0, 1, -0.5, 0.3, 4, 5, 3.5, 4.2, 1, 0.2, -1, 0, 1, 2, 3, 4}, 1, 2);
    }

    @Test
    void checkedAgainstFiniteDifferencesToo() {
        Gradient g = JvmAd.grad(LongLoops.class, "scalarState", Checkpointing.snapshots(2));
        double[] x = {0.3, -0.7, 0.2};
        double[] grad = g.apply(x);
        for (int i = 0; i < x.length; i++) {
            int k = i;
            FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> {
                double[] xt = x.clone();
                xt[k] += t;
                return LongLoops.scalarState(xt);
            }, 1e-2);
            // float state: the method's own rounding limits the agreement
            Checks.close(fd.value(), grad[i], 1e-5, "scalarState d/dx" + i);
        }
        // Forward mode of a budgeted gradient runs the outlined loop as it is.
        double[] v = {0.5, -1, 2};
        double dir = g.directional(x, v);
        Checks.close(grad[0] * v[0] + grad[1] * v[1] + grad[2] * v[2], dir, 1e-6, "directional");
    }

    @Test
    void loopsThatCannotBeCheckpointedAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JvmAd.grad(LongLoops.class, "swapsBuffers", Checkpointing.snapshots(3)));
        assertTrue(e.getMessage().contains("no loop of " + LongLoops.class.getName() + ".swapsBuffers(double[])"
                + " can be checkpointed"), e.getMessage());
        assertTrue(e.getMessage().contains("assigns the array variable"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpointing.snapshots(0));
        assertTrue(e.getMessage().contains("at least 1 snapshot"), e.getMessage());
        Gradient g = JvmAd.grad(LongLoops.class, "rk4", Checkpointing.snapshots(3));
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> g.hvp(lotkaVolterra(5), new double[7]));
        assertTrue(u.getMessage().contains("memory budget"), u.getMessage());
    }
}

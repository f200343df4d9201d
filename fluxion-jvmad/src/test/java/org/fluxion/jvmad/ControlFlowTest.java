package org.fluxion.jvmad;

import org.fluxion.jvmad.corpus.ControlFlow;
import org.junit.jupiter.api.Test;

/** Reverse mode retraces every shape of loop and jump (counted loops, recorded edges), checked by finite differences. */
class ControlFlowTest {
    @Test
    void returnsFromInsideLoops() {
        Checks.forwardAndReverse(ControlFlow.class, "earlyReturnInLoop", (Object) new double[] {0.5, 1.5, -1, 2.5, 0.3});
        Checks.forwardAndReverse(ControlFlow.class, "earlyReturnInLoop", (Object) new double[] {0.5, 1.5, -1, 0.3});
        Checks.forwardAndReverse(ControlFlow.class, "returnFromNested", (Object) new double[] {1.2, 1.5, 2.1, 1.9, 2.5});
        Checks.forwardAndReverse(ControlFlow.class, "returnFromNested", (Object) new double[] {0.2, 0.3, 0.1});
    }

    @Test
    void breaksAndContinues() {
        Checks.forwardAndReverse(ControlFlow.class, "breakAndContinue", (Object) new double[] {0.4, 0.9, 0.7, 1.3});
        Checks.forwardAndReverse(ControlFlow.class, "breakAndContinue", (Object) new double[] {0.1, 0.2, 0.15});
        Checks.forwardAndReverse(ControlFlow.class, "whileWithContinue", (Object) new double[] {0.4, -0.9, 0.7, -1.3, 2});
    }

    @Test
    void loopsAtTheEntryAndSingleBlockLoops() {
        Checks.forwardAndReverse(ControlFlow.class, "doWhileAtEntry", 7.3);
        Checks.forwardAndReverse(ControlFlow.class, "doWhileAtEntry", 0.6);
    }

    @Test
    void switchesAndDataDependentNesting() {
        Checks.forwardAndReverse(ControlFlow.class, "switchInLoop", (Object) new double[] {0.4, -0.9, 0.7, -1.3, 2, 0.1, 0.5});
        Checks.forwardAndReverse(ControlFlow.class, "dataDependentNesting", (Object) new double[] {2, 27.5, 0.3, 5});
    }

    @Test
    void secondOrderThroughLoopsAndJumps() {
        for (String name : new String[] {"earlyReturnInLoop", "returnFromNested", "breakAndContinue", "switchInLoop"}) {
            double[] x = {0.4, 0.9, 1.7, -0.3, 0.6};
            Gradient g = JvmAd.grad(ControlFlow.class, name);
            double[] v = {0.3, -0.1, 0.2, 0.5, -0.4};
            double[] hv = g.hvp(x, v);
            for (int i = 0; i < x.length; i++) {
                int k = i;
                FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> {
                    double[] xt = x.clone();
                    for (int j = 0; j < xt.length; j++) {
                        xt[j] += t * v[j];
                    }
                    return g.apply(xt)[k];
                }, 1e-3);
                Checks.close(fd.value(), hv[i], 1e-7, name + ": (H v)[" + i + "]");
            }
        }
    }
}

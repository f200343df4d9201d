package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.fluxion.jvmad.corpus.Algorithms;
import org.fluxion.jvmad.corpus.Mgh;
import org.junit.jupiter.api.Test;

/**
 * The corpus: Moré-Garbow-Hillstrom functions and numerical algorithms, each checked in forward and
 * reverse mode against Richardson-extrapolated finite differences, and its Hessian-vector products
 * (forward over reverse) against finite differences of the gradient.
 */
class CorpusTest {
    private static double[] start(int n, long seed) {
        Random rng = new Random(seed);
        return rng.doubles(n).map(u -> 1.5 * u - 0.5).toArray();
    }

    /** Forward, reverse and second order of {@code double f(double[])} at x. */
    private static void check(Class<?> owner, String name, double[] x, double tolerance) {
        Checks.forwardAndReverseWithin(tolerance, owner, name, (Object) x);
        checkSecondOrder(owner, name, x, tolerance);
    }

    private static void checkSecondOrder(Class<?> owner, String name, double[] x, double tolerance) {
        Gradient g = JvmAd.grad(owner, name);
        Random rng = new Random(name.hashCode() + 1);
        double[] v = rng.doubles(x.length).map(u -> 2 * u - 1).toArray();
        double[] w = rng.doubles(x.length).map(u -> 2 * u - 1).toArray();
        double[] hv = g.hvp(x, v);
        // w . H v against d/dt w . grad f(x + t v)
        FiniteDifferences.Estimate fd = FiniteDifferences.derivative(t -> {
            double[] xt = x.clone();
            for (int i = 0; i < xt.length; i++) {
                xt[i] += t * v[i];
            }
            return dot(w, g.apply(xt));
        }, 1e-2);
        Checks.close(fd.value(), dot(w, hv), tolerance, name + ": w . H v");
        // The gradient of the Hessian-vector entry point agrees with the gradient of the gradient one.
        double[] grad = new double[x.length];
        double[] hv2 = new double[x.length];
        double value = g.hvp(x, v, grad, hv2);
        assertEquals(Checks.value(Checks.method(owner, name), new Object[] {x}), value, 0.0, name + ": value");
        double[] direct = g.apply(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(direct[i], grad[i], 1e-12 * Math.max(1, Math.abs(direct[i])), name + ": gradient from hvp");
        }
        // Symmetry of the Hessian: w . H v = v . H w.
        Checks.close(dot(w, hv), dot(v, g.hvp(x, w)), 1e-10, name + ": symmetry of H");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void moreGarbowHillstrom() {
        check(Mgh.class, "rosenbrock", start(10, 1), 1e-8);
        check(Mgh.class, "powell", start(8, 2), 1e-8);
        check(Mgh.class, "wood", start(4, 3), 1e-8);
        check(Mgh.class, "helicalValley", new double[] {-1, 0.5, 0.7}, 1e-8);
        check(Mgh.class, "helicalValley", new double[] {1, -0.5, 0.2}, 1e-8);
        check(Mgh.class, "watson", start(6, 4), 1e-8);
        check(Mgh.class, "chebyquad", new double[] {0.1, 0.35, 0.6, 0.9, 0.45}, 1e-8);
    }

    @Test
    void iterationsToATolerance() {
        check(Algorithms.class, "newtonSqrtSum", new double[] {0.3, 2.5, 7, 11}, 1e-8);
        // First order only: the program's second derivative treats the bisected root as a constant,
        // while finite differences of its gradient see the root move.
        Checks.forwardAndReverse(Algorithms.class, "bisectionThenNewton", (Object) new double[] {0.7, 1.3});
        // Bisection alone computes the root from comparisons only: as a program, its derivative is zero.
        Gradient g = JvmAd.grad(Algorithms::bisection);
        double[] d = g.apply(new double[] {0.7, 1.3});
        assertEquals(0.0, d[0]);
        assertEquals(0.0, d[1]);
    }

    @Test
    void inPlaceArrayAlgorithms() {
        double[] tri = {0, 1, -0.5, 0.3, 4, 5, 3.5, 4.2, 1, 0.2, -1, 0, 1, 2, 3, 4};
        check(Algorithms.class, "thomas", tri, 1e-8);
        check(Algorithms.class, "sortedWeights", new double[] {0.3, -1.2, 2.5, 0.9, -0.1, 1.7, 0.4}, 1e-8);
        check(Algorithms.class, "prefixSums", start(9, 5), 1e-8);
        check(Algorithms.class, "logSumExp", new double[] {0.3, 2.2, -1, 2.1, 0}, 1e-8);
        check(Algorithms.class, "recursivePolynomial", new double[] {0.7, 1, -2, 0.5, 3, -1}, 1e-8);
    }

    @Test
    void integratorsAndNetworks() {
        check(Algorithms.class, "rk4", new double[] {1.1, 0.4, 0.4, 0.1, 1.0, 0.5}, 1e-8);
        check(Algorithms.class, "mlpLoss", start(Algorithms.PARAMETERS, 6), 1e-8);
    }

    @Test
    void everyMathFunction() {
        check(Algorithms.class, "mathZoo", new double[] {0.3, 0.6, 0.45}, 1e-8);
        check(Algorithms.class, "mathZoo", new double[] {-0.35, 0.2, 0.8}, 1e-8);
    }
}

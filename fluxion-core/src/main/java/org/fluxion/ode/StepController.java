package org.fluxion.ode;

/**
 * The proportional-integral step-size controller of Hairer's DOPRI5 and Gustafsson:
 * {@code h_new = h * clamp(safety * err^(-alpha) * errPrev^beta, facMin, facMax)} with
 * {@code alpha = 1/k - 0.75 beta} ({@code k} the error estimator's order + 1), and
 * {@code errPrev = max(err of the last accepted step, 1e-4)}. {@code beta = 0} gives the classic
 * (integral) controller. After a rejection the step only shrinks ({@code h * max(facMin, safety *
 * err^(-1/k))}), and the first step accepted after a rejection may not grow.
 *
 * @param k      the error estimator's order + 1
 * @param beta   the PI memory (Hairer: 0.04 for DOPRI5, 0 for DOP853)
 * @param facMin the smallest factor of one change
 * @param facMax the largest factor of one change
 * @param safety the safety factor
 */
record StepController(int k, double beta, double facMin, double facMax, double safety) {
    /** The controller's state over a solve: the last accepted error and whether the last step was rejected. */
    static final class State {
        private double errPrev = 1e-4;
        private boolean lastRejected;
    }

    /** The next step after accepting one of size {@code h} with error {@code err}. */
    double accepted(State s, double h, double err) {
        double alpha = 1.0 / k - 0.75 * beta;
        double fac;
        if (err == 0) {
            fac = facMax;
        } else {
            fac = safety * Math.pow(err, -alpha) * Math.pow(s.errPrev, beta);
            fac = Math.min(facMax, Math.max(facMin, fac));
        }
        if (s.lastRejected) {
            fac = Math.min(fac, 1.0);
        }
        s.errPrev = Math.max(err, 1e-4);
        s.lastRejected = false;
        return h * fac;
    }

    /** The retry after rejecting a step of size {@code h} with error {@code err} (> 1, possibly infinite). */
    double rejected(State s, double h, double err) {
        s.lastRejected = true;
        if (!Double.isFinite(err)) {
            return h * 0.25;
        }
        double fac = Math.max(facMin, safety * Math.pow(err, -1.0 / k));
        return h * Math.min(fac, 0.9);
    }
}

package org.fluxion.ode;

/** A problem's right-hand side bound to its parameters, counting its evaluations. */
final class Rhs {
    private final OdeFunction f;
    private final double[] p;
    private final Counters counters;

    Rhs(OdeFunction f, double[] p, Counters counters) {
        this.f = f;
        this.p = p;
        this.counters = counters;
    }

    void evaluate(double[] du, double[] u, double t) {
        counters.rhsEvaluations++;
        f.evaluate(du, u, p, t);
    }

    double[] parameters() {
        return p;
    }

    Counters counters() {
        return counters;
    }
}

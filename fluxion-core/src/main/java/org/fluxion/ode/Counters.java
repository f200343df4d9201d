package org.fluxion.ode;

/** The mutable counters behind {@link Statistics}, shared by a solve's integrator, stepper and RHS. */
final class Counters {
    long rhsEvaluations;
    long acceptedSteps;
    long rejectedSteps;
    long jacobianEvaluations;
    long factorizations;
    long linearSolves;

    Statistics snapshot() {
        return new Statistics(rhsEvaluations, acceptedSteps, rejectedSteps, jacobianEvaluations, factorizations,
                linearSolves);
    }
}

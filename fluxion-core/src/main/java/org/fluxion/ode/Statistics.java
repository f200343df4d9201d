package org.fluxion.ode;

/**
 * The work a solve did.
 *
 * @param rhsEvaluations      calls of the right-hand side (including those for finite-difference Jacobians
 *                            and time derivatives)
 * @param acceptedSteps       steps accepted
 * @param rejectedSteps       steps rejected by the error control (or retried after a non-finite value or a
 *                            singular matrix)
 * @param jacobianEvaluations Jacobians computed (stiff solvers)
 * @param factorizations      LU factorizations (stiff solvers)
 * @param linearSolves        solves with a factorization (stiff solvers; one per stage)
 */
public record Statistics(long rhsEvaluations, long acceptedSteps, long rejectedSteps, long jacobianEvaluations,
                         long factorizations, long linearSolves) {
    @Override
    public String toString() {
        return "steps " + acceptedSteps + " (+" + rejectedSteps + " rejected), RHS " + rhsEvaluations
                + (jacobianEvaluations > 0 ? ", Jacobians " + jacobianEvaluations : "")
                + (factorizations > 0 ? ", LU " + factorizations + ", solves " + linearSolves : "");
    }

    /** The sum of two solves' work (e.g. a forward and a backward pass). */
    public Statistics plus(Statistics o) {
        return new Statistics(rhsEvaluations + o.rhsEvaluations, acceptedSteps + o.acceptedSteps,
                rejectedSteps + o.rejectedSteps, jacobianEvaluations + o.jacobianEvaluations,
                factorizations + o.factorizations, linearSolves + o.linearSolves);
    }
}

package org.fluxion.ode;

/**
 * A right-hand side whose evaluation returns what its VJP at the same point needs ({@link SplitVjp}'s residuals),
 * so that a reverse sweep over stored stages (the discrete adjoint) does not evaluate the field again for each
 * VJP. The residual is opaque to the solver: it keeps it with the stage and hands it back.
 */
interface ResidualField {
    /** {@code f(u, p, t)} into {@code du}; returns the residuals of this point. */
    Object evaluate(double[] du, double[] u, double[] p, double t);

    /**
     * {@code lambda^T df/du} into {@code outU} and {@code lambda^T df/dp} added to {@code sumP}, at the point whose
     * {@link #evaluate} returned {@code residual} ({@code u}, {@code p} and {@code t} are that point's).
     */
    void vjpAddingParameters(Object residual, double t, double[] u, double[] p, double[] lambda, double[] outU,
                             double[] sumP);
}

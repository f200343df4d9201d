package org.fluxion.transforms;

/**
 * An iterative solver ({@link Krylov}, the root finders of {@link Implicit}) stopped at its iteration limit
 * with a residual still above its tolerance. The message names the solver, the limit, the residual reached
 * and the tolerance.
 */
public final class ConvergenceException extends ArithmeticException {
    private final int iterations;
    private final double residual;

    public ConvergenceException(String solver, int iterations, double residual, double tolerance) {
        super(solver + ": did not converge within " + iterations + " iterations: residual " + residual
                + " > tolerance " + tolerance);
        this.iterations = iterations;
        this.residual = residual;
    }

    /** The iterations run. */
    public int iterations() {
        return iterations;
    }

    /** The residual norm at the last iteration. */
    public double residual() {
        return residual;
    }
}

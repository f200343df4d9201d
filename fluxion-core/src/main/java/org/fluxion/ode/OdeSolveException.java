package org.fluxion.ode;

/**
 * A solve that could not finish: the work budget ran out, the step size underflowed (a singularity, or a
 * stiff problem given to an explicit method), or the right-hand side produced values that are not finite.
 * The message says which, at what time, with what step, and what to try; {@link #statistics()} gives the
 * work done until then.
 */
public final class OdeSolveException extends RuntimeException {
    /** Why a solve stopped. */
    public enum Reason {
        /** More step attempts than {@link SolverOptions#maxSteps()}. */
        STEP_BUDGET,
        /** More right-hand side evaluations than {@link SolverOptions#maxRhsEvaluations()}. */
        RHS_BUDGET,
        /** The step size fell below what the time's floating-point resolution can represent. */
        STEP_SIZE_UNDERFLOW,
        /** The right-hand side (or the Jacobian) returned NaN or infinity and smaller steps did not help. */
        NON_FINITE
    }

    private final Reason reason;
    private final double time;
    private final transient Statistics statistics;

    OdeSolveException(Reason reason, double time, Statistics statistics, String message) {
        super(message);
        this.reason = reason;
        this.time = time;
        this.statistics = statistics;
    }

    public Reason reason() {
        return reason;
    }

    /** The time reached when the solve stopped. */
    public double time() {
        return time;
    }

    /** The work done until the solve stopped. */
    public Statistics statistics() {
        return statistics;
    }
}

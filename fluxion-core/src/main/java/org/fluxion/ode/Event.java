package org.fluxion.ode;

import java.util.Objects;

/**
 * An event: a time where {@code condition(t, u(t))} crosses zero. The solver checks the sign of the
 * condition at the end of every accepted step and, on a change, finds the root on the step's dense output
 * (Illinois regula falsi on the interpolating polynomial, no extra RHS evaluations) to a relative time
 * tolerance of about 1e-14. A terminal event stops the integration there; others are only recorded.
 *
 * <p>As SciPy's {@code solve_ivp}, a condition that is exactly zero at the start of a step is not a crossing,
 * and two crossings within one step cancel out (make steps shorter with {@code maxStep} if that matters).
 *
 * @param name      used in the solution's event list and in messages
 * @param condition the function whose zeros are the events
 * @param terminal  whether the integration stops at the first such event
 * @param direction which crossings count
 */
public record Event(String name, Condition condition, boolean terminal, Direction direction) {
    public Event {
        Objects.requireNonNull(name, "Event: name is null");
        Objects.requireNonNull(condition, "Event " + name + ": condition is null");
        Objects.requireNonNull(direction, "Event " + name + ": direction is null");
    }

    /** A function of time and state whose sign changes at events; it must not modify {@code u}. */
    @FunctionalInterface
    public interface Condition {
        double value(double t, double[] u);
    }

    /** Which zero crossings are events. */
    public enum Direction {
        /** From negative to positive and from positive to negative. */
        ANY,
        /** From negative to positive only. */
        RISING,
        /** From positive to negative only. */
        FALLING;

        boolean accepts(double before, double after) {
            return switch (this) {
                case ANY -> (before < 0 && after >= 0) || (before > 0 && after <= 0);
                case RISING -> before < 0 && after >= 0;
                case FALLING -> before > 0 && after <= 0;
            };
        }
    }

    /** An event that is recorded and does not stop the integration, in either direction. */
    public static Event of(String name, Condition condition) {
        return new Event(name, condition, false, Direction.ANY);
    }

    /** An event that stops the integration, in either direction. */
    public static Event terminal(String name, Condition condition) {
        return new Event(name, condition, true, Direction.ANY);
    }

    /** This event counting only crossings in {@code d}. */
    public Event direction(Direction d) {
        return new Event(name, condition, terminal, d);
    }

    /** One event found during a solve: which event, when, and the state then. */
    public record Hit(String name, double t, double[] u) {
    }
}

package org.fluxion.ode;

/**
 * The right-hand side {@code du/dt = f(u, p, t)} of an ordinary differential equation, written in plain
 * Java over arrays: it <em>mutates</em> {@code du} in place and allocates nothing, which is what makes a
 * solve of a small system cost microseconds (the seeds' "climate models use mutation" case).
 *
 * <p>Shapes: {@code du} and {@code u} have the state's length n, {@code p} the parameters' length (possibly
 * 0). {@code u} and {@code p} must not be modified. The solver calls it many times per step on its own
 * stage buffers, so it must not keep references to the arrays.
 */
@FunctionalInterface
public interface OdeFunction {
    /** Writes {@code f(u, p, t)} into {@code du}. */
    void evaluate(double[] du, double[] u, double[] p, double t);
}

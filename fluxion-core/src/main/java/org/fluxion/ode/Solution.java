package org.fluxion.ode;

import java.util.List;

/**
 * The result of a solve: the saved times and states, the events found, the work done, and (when asked
 * for) the dense output.
 *
 * @param method     the method's name
 * @param t          the saved times, in the direction of integration
 * @param u          the saved states, {@code u[i]} at {@code t[i]}, each of length n
 * @param events     the events found, in time order
 * @param terminated true when a terminal event stopped the integration before the end of the span
 * @param statistics the work done
 * @param dense      the dense output, or null unless {@link SolverOptions#withDense} asked for it
 */
public record Solution(String method, double[] t, double[][] u, List<Event.Hit> events, boolean terminated,
                       Statistics statistics, DenseOutput dense) {
    /** The number of saved points. */
    public int points() {
        return t.length;
    }

    /** The last saved state. */
    public double[] last() {
        if (u.length == 0) {
            throw new IllegalStateException("Solution: no state was saved (the save times were all past the end)");
        }
        return u[u.length - 1];
    }

    /** Component {@code i} of every saved state. */
    public double[] component(int i) {
        double[] out = new double[u.length];
        for (int k = 0; k < u.length; k++) {
            out[k] = u[k][i];
        }
        return out;
    }

    /** The state at time {@code t} from the dense output. */
    public double[] at(double time) {
        if (dense == null) {
            throw new IllegalStateException("Solution: no dense output; solve with SolverOptions.withDense(true)");
        }
        return dense.at(time);
    }
}

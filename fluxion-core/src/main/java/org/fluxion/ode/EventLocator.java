package org.fluxion.ode;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds zero crossings of the events' conditions within an accepted step, on the step's dense output
 * (no RHS evaluation): a sign change between the step's ends brackets a root, refined by the Illinois
 * variant of regula falsi to a bracket of about 1e-14 of the step.
 */
final class EventLocator {
    private final List<Event> events;
    private final double[] before;
    private final double[] after;
    private final double[] work;

    /** A crossing inside the current step, at {@code theta} of it. */
    record Crossing(int event, double theta) {
    }

    EventLocator(List<Event> events, int n) {
        this.events = events;
        this.before = new double[events.size()];
        this.after = new double[events.size()];
        this.work = new double[n];
    }

    boolean active() {
        return !events.isEmpty();
    }

    /** Records the conditions at the start of the solve. */
    void start(double t, double[] u) {
        for (int e = 0; e < events.size(); e++) {
            before[e] = events.get(e).condition().value(t, u);
        }
    }

    /**
     * The crossings in the step {@code [t, t + h]} ending at {@code uNew}, in time order; {@code dense}
     * interpolates the step ({@code theta -> u}).
     */
    List<Crossing> locate(double t, double h, double[] uNew, Interpolator dense) {
        List<Crossing> found = new ArrayList<>(0);
        for (int e = 0; e < events.size(); e++) {
            Event event = events.get(e);
            after[e] = event.condition().value(t + h, uNew);
            if (event.direction().accepts(before[e], after[e])) {
                found.add(new Crossing(e, root(event.condition(), t, h, before[e], after[e], dense)));
            }
        }
        found.sort((a, b) -> Double.compare(a.theta, b.theta));
        return found;
    }

    /** The conditions at the end of the step become those at the start of the next. */
    void advance() {
        System.arraycopy(after, 0, before, 0, before.length);
    }

    /** Illinois regula falsi on {@code theta in [0, 1]}; returns the bracket's end past the crossing. */
    private double root(Event.Condition g, double t, double h, double g0, double g1, Interpolator dense) {
        double a = 0;
        double b = 1;
        double ga = g0;
        double gb = g1;
        if (gb == 0) {
            return 1.0;
        }
        int side = 0;
        for (int iter = 0; iter < 200 && (b - a) > 1e-14; iter++) {
            double c = (a * gb - b * ga) / (gb - ga);
            if (!(c > a && c < b)) {
                c = 0.5 * (a + b);
            }
            dense.at(c, work);
            double gc = g.value(t + c * h, work);
            if (gc == 0) {
                return c;
            }
            if ((gc > 0) == (gb > 0)) {
                b = c;
                gb = gc;
                if (side == 1) {
                    ga *= 0.5;
                }
                side = 1;
            } else {
                a = c;
                ga = gc;
                if (side == -1) {
                    gb *= 0.5;
                }
                side = -1;
            }
        }
        return b;
    }

    /** The dense output of the current step. */
    @FunctionalInterface
    interface Interpolator {
        void at(double theta, double[] out);
    }
}

package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Events located on the dense output: times against exact ones, terminal and not, by direction. */
class EventsTest {
    /** A ball dropped from 10 m: {@code y'' = -g}; it lands at {@code sqrt(2 * 10 / g)}. */
    @Test
    void terminalEventStopsAtTheExactTime() {
        double g = 9.81;
        OdeProblem fall = OdeProblem.of((du, u, p, t) -> {
            du[0] = u[1];
            du[1] = -g;
        }, new double[] {10, 0}, 0, 100);
        for (Method m : new Method[] {Method.DP5, Method.TSIT5, Method.DOP853}) {
            Solution s = Ode.solve(fall, m, SolverOptions.defaults()
                    .withEvents(Event.terminal("ground", (t, u) -> u[0])));
            double landing = Math.sqrt(2 * 10 / g);
            assertTrue(s.terminated(), m + ": the terminal event did not stop the solve");
            assertEquals(1, s.events().size());
            assertEquals(landing, s.events().get(0).t(), 1e-12, m + ": landing time");
            assertEquals(landing, s.t()[s.t().length - 1], 1e-12, m + ": last saved time is the event's");
            assertEquals(0, s.last()[0], 1e-10, m + ": height at landing");
            assertEquals(-g * landing, s.last()[1], 1e-10, m + ": speed at landing");
        }
    }

    /** {@code x'' = -x} from (0, 1): {@code x = sin t} crosses zero at every multiple of pi. */
    @Test
    void nonTerminalEventsByDirection() {
        OdeProblem oscillator = OdeProblem.of((du, u, p, t) -> {
            du[0] = u[1];
            du[1] = -u[0];
        }, new double[] {0, 1}, 0, 20);
        Solution s = Ode.solve(oscillator, Method.DP5, SolverOptions.defaults().withTolerances(1e-10, 1e-12)
                .withEvents(Event.of("any", (t, u) -> u[0]),
                        Event.of("falling", (t, u) -> u[0]).direction(Event.Direction.FALLING),
                        Event.of("rising", (t, u) -> u[0]).direction(Event.Direction.RISING)));
        assertFalse(s.terminated());
        assertEquals(20, s.t()[s.t().length - 1], 0);
        List<Event.Hit> any = s.events().stream().filter(h -> h.name().equals("any")).toList();
        List<Event.Hit> falling = s.events().stream().filter(h -> h.name().equals("falling")).toList();
        List<Event.Hit> rising = s.events().stream().filter(h -> h.name().equals("rising")).toList();
        assertEquals(6, any.size(), "zeros of sin in (0, 20]: pi .. 6 pi");
        for (int k = 0; k < any.size(); k++) {
            assertEquals((k + 1) * Math.PI, any.get(k).t(), 1e-9, "zero " + (k + 1));
        }
        assertEquals(3, falling.size());
        assertEquals(3, rising.size());
        assertEquals(Math.PI, falling.get(0).t(), 1e-9, "sin falls through 0 at pi");
        assertEquals(2 * Math.PI, rising.get(0).t(), 1e-9, "sin rises through 0 at 2 pi");
        for (int k = 1; k < s.events().size(); k++) {
            assertTrue(s.events().get(k).t() >= s.events().get(k - 1).t(), "events in time order");
        }
    }

    /** Events on a backward solve: {@code u' = 1}, from t = 5 down to 0, crossing u = 2.5 on the way. */
    @Test
    void eventOnABackwardSolve() {
        OdeProblem ramp = OdeProblem.of((du, u, p, t) -> du[0] = 1, new double[] {5}, 5, 0);
        Solution s = Ode.solve(ramp, Method.TSIT5,
                SolverOptions.defaults().withEvents(Event.terminal("half", (t, u) -> u[0] - 2.5)));
        assertEquals(2.5, s.events().get(0).t(), 1e-12);
        assertEquals(2.5, s.last()[0], 1e-12);
    }
}

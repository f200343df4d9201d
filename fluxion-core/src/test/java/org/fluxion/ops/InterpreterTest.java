package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops#bind} as autodidax's {@code find_top_trace}: the interpreter of the innermost state among the
 * inputs goes first, each applies the primitive below itself, and the outermost level runs the kernel.
 */
class InterpreterTest {
    /** Logs each primitive it sees, then applies it further out (a transformation that changes nothing). */
    private record Logging(String name, int level, List<String> log) implements Interpreter {
        @Override
        public Tensor[] process(Primitive primitive, TensorType[] outs, Tensor[] inputs) {
            log.add(name + ":" + primitive.name());
            return Ops.bindBelow(this, primitive, outs, inputs);
        }
    }

    private record State(Interpreter interpreter, Interpreter.State lower) implements Interpreter.State {
    }

    private static Tensor carrying(Tensor t, Interpreter.State s) {
        TensorInternals.setState(t, s);
        return t;
    }

    @Test
    void theInnermostInterpreterGoesFirstThenEachOneFurtherOut() {
        List<String> log = new ArrayList<>();
        Logging outer = new Logging("outer", 1, log);
        Logging inner = new Logging("inner", 2, log);
        Tensor x = carrying(Tensor.of(new double[] {1, 2}, 2), new State(outer, null));
        Tensor y = carrying(Tensor.of(new double[] {10, 20}, 2), new State(inner, new State(outer, null)));
        Tensor z = x.add(y);
        assertEquals(List.of("inner:add", "outer:add"), log);
        assertArrayEquals(new double[] {11, 22}, z.toDoubleArray());
        assertNull(TensorInternals.state(z), "the logging interpreters attach no state to the result");
    }

    @Test
    void aPlainTensorReachesNoInterpreter() {
        List<String> log = new ArrayList<>();
        Tensor x = carrying(Tensor.scalar(3, DType.FLOAT64), new State(new Logging("only", 5, log), null));
        Tensor plain = Tensor.scalar(4, DType.FLOAT64).mul(2);
        assertEquals(List.of(), log);
        assertEquals(11, x.add(plain).item());
        assertEquals(List.of("only:add"), log);
    }

    @Test
    void detachingKeepsTheStatesDerivativesDoNotFlowThrough() {
        Logging tracer = new Logging("tracer", 0, new ArrayList<>());
        Interpreter.State traced = new State(tracer, null);
        Interpreter.State derivative = new Interpreter.State() {
            @Override
            public Interpreter interpreter() {
                return new Logging("derivative", 9, new ArrayList<>());
            }

            @Override
            public Interpreter.State lower() {
                return traced;
            }

            @Override
            public Interpreter.State detached() {
                return traced;
            }
        };
        Tensor x = carrying(Tensor.ones(2), derivative);
        assertSame(traced, TensorInternals.state(x.detach()));
        assertNull(TensorInternals.state(Tensor.ones(2).detach()));
    }

    @Test
    void aTracedTensorThatRequiresGradStaysTracedWhenDetached() {
        // jit(x -> grad of sum(x * stopGradient(x))): the detached factor is a tracer of the same trace.
        var f = Jit.jit(Functional.grad((Tensor v) -> v.mul(v.detach()).sum()));
        Tensor x = Tensor.of(new double[] {1, -2, 3}, 3);
        assertArrayEquals(x.toDoubleArray(), f.apply(x).toDoubleArray());
    }
}

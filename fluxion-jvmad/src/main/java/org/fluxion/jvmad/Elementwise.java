package org.fluxion.jvmad;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.jvmad.runtime.Kernels;
import org.fluxion.jvmad.runtime.Tape;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A plain Java {@code double f(double x)} as an elementwise tensor operation with derivatives of every
 * order: a primitive of its own ({@link CustomPrimitive}) whose JVP and VJP rules multiply by the
 * primitive of {@code f'}, whose rules use {@code f''}, and so on, each derivative generated from
 * {@code f}'s bytecode by the forward transform applied again, on first use. So it works with the
 * tape ({@code backward}, {@link org.fluxion.autodiff.Functional#grad}, to any order), forward mode,
 * {@code jit} (recorded in the traced graph and computed by the plan) and {@code vmap} (an
 * elementwise operation batches as it is).
 *
 * <pre>{@code
 * Elementwise softplus = Elementwise.of(x -> x > 30 ? x : Math.log1p(Math.exp(x)));
 * Tensor y = softplus.apply(t);  // any shape, float32 or float64
 * }</pre>
 */
public final class Elementwise implements Function<Tensor, Tensor> {
    private final Build build;
    private final UnaryFunction f;
    private final List<Lazy<Kernels.Scalar>> derivatives = new ArrayList<>();

    private Elementwise(Build build, UnaryFunction f) {
        this.build = build;
        this.f = f;
    }

    /** The elementwise operation of the static method behind {@code f} (read and checked now). */
    public static Elementwise of(UnaryFunction f) {
        var ref = MethodRefs.of(f);
        MethodRefs.requireShape(ref, "(D)D", "an elementwise operation");
        return new Elementwise(new Build(ref), f);
    }

    /** {@code f} applied to each element of {@code x} (float32 or float64), differentiable to any order. */
    @Override
    public Tensor apply(Tensor x) {
        return Ops.bind(new Derivative(0), x);
    }

    /** The {@code order}-th derivative of {@code f} applied to each element, itself differentiable. */
    public Tensor derivative(Tensor x, int order) {
        if (order < 0) {
            throw new IllegalArgumentException("negative derivative order " + order);
        }
        return Ops.bind(new Derivative(order), x);
    }

    private synchronized Kernels.Scalar kernel(int order) {
        while (derivatives.size() < order) {
            int k = derivatives.size() + 1;
            derivatives.add(new Lazy<>(() -> build.kernel(Kernels.Scalar.class, (e, fn) -> e.derivative(fn, k))));
        }
        return derivatives.get(order - 1).get();
    }

    /** {@code f^(order)} elementwise: the primitive; its rules bind the next order. */
    private final class Derivative implements CustomPrimitive {
        private final int order;

        Derivative(int order) {
            this.order = order;
        }

        @Override
        public String name() {
            String m = build.ref().name();
            return order == 0 ? m : m + "^(" + order + ")";
        }

        @Override
        public TensorType outputType(TensorType... inputs) {
            if (!inputs[0].dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name() + ": needs a float32 or float64 tensor, got "
                        + inputs[0].dtype());
            }
            return inputs[0];
        }

        @Override
        public Tensor compute(TensorType out, Tensor... inputs) {
            double[] values = Autograd.detach(inputs[0]).toDoubleArray();
            if (order == 0) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = f.apply(values[i]);
                }
            } else {
                Kernels.Scalar k = kernel(order);
                Tape tape = Tapes.acquire();
                for (int i = 0; i < values.length; i++) {
                    values[i] = k.apply(values[i], tape);
                }
                Tapes.release(tape, name());
            }
            Tensor r = Tensor.of(values, inputs[0].dims());
            return out.dtype() == DType.FLOAT64 ? r : r.to(out.dtype());
        }

        /** {@code g f^(order+1)(x)}: reads only the input. */
        @Override
        public Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output) {
            return new Tensor[] {g.mul(Ops.bind(new Derivative(order + 1), inputs[0]))};
        }

        @Override
        public int vjpReads(int wanted, int arity) {
            return 1;
        }

        @Override
        public Tensor jvp(Tensor[] inputs, Tensor[] tangents, Tensor output) {
            return tangents[0] == null ? null : tangents[0].mul(Ops.bind(new Derivative(order + 1), inputs[0]));
        }

        /** Elementwise: the batched input is just a bigger input. */
        @Override
        public Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
            return Ops.bind(this, inputs[0]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Derivative d && d.order == order && d.owner() == Elementwise.this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(Elementwise.this) * 31 + order;
        }

        private Elementwise owner() {
            return Elementwise.this;
        }
    }
}

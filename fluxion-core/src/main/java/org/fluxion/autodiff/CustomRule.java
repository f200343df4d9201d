package org.fluxion.autodiff;

import java.util.function.Function;
import org.fluxion.ops.Ops;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A user function with its own derivative rules ({@link Functional#custom}), applied as a primitive of
 * its own: the forward function runs on detached inputs with recording off (its operations are not
 * differentiated), and the user's rules take the place of differentiating it. Because the rules run
 * like any primitive's rules (on the tracked inputs, with grad mode on under {@code createGraph}), a rule
 * written with differentiable tensor operations gives higher-order derivatives too.
 *
 * <p>One instance per call: it carries that call's precomputed output.
 */
public final class CustomRule implements CustomPrimitive {
    /** A user VJP rule: the cotangents of the inputs given the output's cotangent {@code g}. */
    @FunctionalInterface
    public interface Vjp {
        /**
         * @param g       the cotangent of the output, of its shape
         * @param inputs  the inputs of the call
         * @param output  the output of the call
         * @return one cotangent per input (null for none); a cotangent may have a shape that broadcasts
         *         from the input's, it is summed down to it
         */
        Tensor[] apply(Tensor g, Tensor[] inputs, Tensor output);
    }

    /** A user JVP rule: the tangent of the output given the inputs' tangents (zeros, never null). */
    @FunctionalInterface
    public interface Jvp {
        Tensor apply(Tensor[] inputs, Tensor[] tangents, Tensor output);
    }

    private final String name;
    private final Tensor value;
    private final Vjp vjp;
    private final Jvp jvp;

    private CustomRule(String name, Tensor value, Vjp vjp, Jvp jvp) {
        this.name = name;
        this.value = value;
        this.vjp = vjp;
        this.jvp = jvp;
    }

    /** Runs {@code f} on {@code inputs} as one primitive whose rules are {@code vjp} and {@code jvp}. */
    static Tensor apply(String name, Function<Tensor[], Tensor> f, Vjp vjp, Jvp jvp, Tensor[] inputs) {
        Tensor[] plain = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            plain[i] = Autograd.detach(inputs[i]);
        }
        Tensor value;
        try (var mode = GradMode.noGrad()) {
            value = f.apply(plain);
        }
        if (value == null) {
            throw new IllegalArgumentException(name + ": the forward function returned null");
        }
        return Ops.bind(new CustomRule(name, Autograd.detach(value), vjp, jvp), inputs);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean precomputed() {
        return true;
    }

    @Override
    public TensorType outputType(TensorType... inputs) {
        return value.type();
    }

    /** A fresh alias of the precomputed value (each bind gets its own tensor to attach autograd state to). */
    @Override
    public Tensor compute(TensorType out, Tensor... inputs) {
        return Autograd.detach(value);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output) {
        if (vjp == null) {
            throw new UnsupportedOperationException(name + ": reverse mode needs a VJP rule; this custom "
                    + "function was given only a JVP (use Functional.custom with both)");
        }
        Tensor[] cts = vjp.apply(g, inputs, output);
        if (cts == null || cts.length != inputs.length) {
            throw new IllegalStateException(name + ": the VJP rule must return one cotangent per input ("
                    + inputs.length + "), got " + (cts == null ? "null" : cts.length));
        }
        for (int i = 0; i < cts.length; i++) {
            if (cts[i] != null && !broadcastsTo(cts[i], inputs[i], g)) {
                throw new IllegalStateException(name + ": the VJP rule returned a cotangent of shape "
                        + cts[i].shape() + " for input " + i + " of shape " + inputs[i].shape());
            }
        }
        return cts;
    }

    /** True when a returned cotangent is of the input's shape or of the output's (broadcast) shape. */
    private static boolean broadcastsTo(Tensor ct, Tensor input, Tensor g) {
        return ct.shape().equals(input.shape()) || ct.shape().equals(g.shape());
    }

    @Override
    public Tensor jvp(Tensor[] inputs, Tensor[] tangents, Tensor output) {
        if (jvp == null) {
            throw new UnsupportedOperationException(name + ": forward mode needs a JVP rule; this custom "
                    + "function was given only a VJP (use Functional.custom with both)");
        }
        Tensor[] t = tangents.clone();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) {
                t[i] = Tensor.zeros(inputs[i].dtype().isFloatingPoint() ? inputs[i].dtype() : output.dtype(),
                        inputs[i].dims());
            }
        }
        return jvp.apply(inputs, t, output);
    }

    /**
     * Never reached: a custom rule is {@link #precomputed()}, so neither tracing nor {@code vmap} applies it:
     * they saw the operations of its function, which ran before. Nor could it loop: its
     * {@link #compute} returns the value of this one call whatever its inputs.
     */
    @Override
    public Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        throw new UnsupportedOperationException(name + ": a custom rule is not recorded in traced graphs, so "
                + "vmap batches the operations of its function; it has no batching rule of its own");
    }
}

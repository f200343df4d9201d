package org.fluxion.nn;

import java.util.function.UnaryOperator;
import org.fluxion.tensor.Tensor;

/**
 * An activation function as a parameter-free layer, e.g. {@code new Sequential(new Linear(...),
 * Activation.relu(), ...)}. Shape preserving. See {@link Activations} for the formulas.
 */
public final class Activation extends Module {
    private final String name;
    private final UnaryOperator<Tensor> function;

    /** Any elementwise or shape-preserving function; {@code name} appears in error messages. */
    public Activation(String name, UnaryOperator<Tensor> function) {
        this.name = name;
        this.function = function;
    }

    public static Activation relu() {
        return new Activation("relu", Activations::relu);
    }

    public static Activation leakyRelu(double slope) {
        return new Activation("leakyRelu(" + slope + ")", x -> Activations.leakyRelu(x, slope));
    }

    public static Activation elu(double alpha) {
        return new Activation("elu(" + alpha + ")", x -> Activations.elu(x, alpha));
    }

    /** GELU, tanh approximation. */
    public static Activation gelu() {
        return new Activation("gelu", Activations::gelu);
    }

    public static Activation sigmoid() {
        return new Activation("sigmoid", Activations::sigmoid);
    }

    public static Activation tanh() {
        return new Activation("tanh", Activations::tanh);
    }

    public static Activation softmax(int axis) {
        return new Activation("softmax(" + axis + ")", x -> Activations.softmax(x, axis));
    }

    public static Activation logSoftmax(int axis) {
        return new Activation("logSoftmax(" + axis + ")", x -> Activations.logSoftmax(x, axis));
    }

    @Override
    public Tensor apply(Tensor x) {
        return function.apply(x);
    }

    @Override
    public String toString() {
        return name;
    }
}

package org.fluxion.models;

import org.fluxion.nn.Activations;
import org.fluxion.tensor.Tensor;

/**
 * The parameter-free elementwise activations as layers (constants of a model's tree: they hold no tensor).
 * Shape preserving; the formulas are those of {@link Activations}. Activations with a parameter or over an
 * axis are {@link Function} layers.
 */
public enum Activation implements Layer {
    RELU {
        @Override
        Tensor of(Tensor x) {
            return Activations.relu(x);
        }
    },
    TANH {
        @Override
        Tensor of(Tensor x) {
            return Activations.tanh(x);
        }
    },
    SIGMOID {
        @Override
        Tensor of(Tensor x) {
            return Activations.sigmoid(x);
        }
    },
    /** GELU, tanh approximation. */
    GELU {
        @Override
        Tensor of(Tensor x) {
            return Activations.gelu(x);
        }
    };

    abstract Tensor of(Tensor x);

    @Override
    public Applied apply(Tensor x, Context context) {
        return new Applied(of(x), this);
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package org.fluxion.models;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.nn.LayerInputException;
import org.fluxion.tensor.Tensor;

/**
 * Layers applied in order (Flux's Chain, Keras's Sequential) as data: {@code y = f_n(... f_1(f_0(x)))}.
 * Layer {@code i} runs in {@code context.child(i)}, so each has its own random stream. The model after the
 * pass is the sequence of the layers after theirs.
 *
 * <p>When a layer rejects its input the error says which one:
 * {@code layer 2 (Linear 784->128) expected input [..., 784], got [64, 100]}.
 *
 * @param layers the layers, in order
 */
public record Sequential(List<Layer> layers) implements Layer {
    public Sequential {
        layers = List.copyOf(layers);
    }

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        Tensor y = x;
        List<Layer> after = new ArrayList<>(layers.size());
        boolean changed = false;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Applied a;
            try {
                a = layer.apply(y, context.child(i));
            } catch (IllegalArgumentException e) {
                throw located(i, layer, e);
            }
            y = a.output();
            after.add(a.layer());
            changed |= a.layer() != layer;
        }
        return new Applied(y, changed ? new Sequential(after) : this);
    }

    /** The error of layer {@code index}, saying which layer it is: {@code layer 2 (Linear 784->128) ...}. */
    static LayerInputException located(int index, Layer layer, IllegalArgumentException e) {
        if (e instanceof LayerInputException l) {
            return new LayerInputException("layer " + index + " (" + l.layer() + ")", l.detail());
        }
        // an operation inside the layer failed: keep its message, say where it happened
        var wrapped = new LayerInputException("layer " + index + " (" + layer + "):", e.getMessage());
        wrapped.initCause(e);
        return wrapped;
    }

    @Override
    public String toString() {
        return "Sequential[" + layers.size() + "]";
    }
}

package org.fluxion.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.Tensor;

/**
 * Layers applied in order (Flux's Chain, Keras's Sequential): {@code y = f_n(... f_1(f_0(x)))}. Layers
 * are named {@code "0"}, {@code "1"}, ... unless given names, so parameters read {@code 0.weight}.
 *
 * <p>When a layer rejects its input, the error says which one:
 * {@code layer 2 (Linear 784->128) expected input [..., 784], got [64, 100]}.
 */
public final class Sequential extends Module {
    private final Map<String, Module> layers;

    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    public Sequential(List<? extends Module> layers) {
        Map<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            named.put(Integer.toString(i), layers.get(i));
        }
        this.layers = Collections.unmodifiableMap(named);
    }

    /** Layers with the given names, in the map's iteration order. */
    public Sequential(Map<String, ? extends Module> namedLayers) {
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(namedLayers));
    }

    @Override
    public Tensor apply(Tensor x) {
        Tensor y = x;
        for (var e : layers.entrySet()) {
            Module layer = e.getValue();
            try {
                y = layer.apply(y);
            } catch (LayerInputException ex) {
                throw new LayerInputException("layer " + e.getKey() + " (" + ex.layer() + ")", ex.detail());
            } catch (IllegalArgumentException ex) {
                // an operation inside the layer failed: keep its message, say where it happened
                var wrapped = new LayerInputException("layer " + e.getKey() + " (" + layer.label() + "):", ex.getMessage());
                wrapped.initCause(ex);
                throw wrapped;
            }
        }
        return y;
    }

    /** The layer named {@code name} ("0", "1", ... by default). */
    public Module layer(String name) {
        return layers.get(name);
    }

    /** The i-th layer. */
    public Module layer(int index) {
        return List.copyOf(layers.values()).get(index);
    }

    public int size() {
        return layers.size();
    }

    @Override
    protected Map<String, Module> children() {
        return layers;
    }
}

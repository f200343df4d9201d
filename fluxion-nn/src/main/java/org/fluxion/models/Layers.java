package org.fluxion.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.autodiff.Tree;
import org.fluxion.nn.Module;
import org.fluxion.tensor.Tensor;

/**
 * The bridge from the eager, mutable modules of {@code org.fluxion.nn} (PyTorch's style) to layers as data:
 * {@link #of} gives the functional form of a module, sharing its tensors' values; {@link #copyInto} writes a
 * trained layer's parameters and state back into the module. So a model built the PyTorch way trains through
 * the compiled step, and the module the user holds sees the result.
 *
 * <p>Converted: {@code Sequential}, {@code Linear}, {@code Conv2d}, {@code BatchNorm1d/2d}, {@code Dropout}
 * (its masks then come from the context's key, not from its generator), and every module without parameters,
 * buffers or sub-modules other than those two (activations, pooling, reshaping), whose {@code apply} becomes a
 * {@link Function} layer. Other modules (with parameters of their own kinds) have no functional form yet.
 */
public final class Layers {
    private Layers() {
    }

    /**
     * The layer computing what {@code module} computes (in training mode what it computes in training mode),
     * over the current values of its parameters and buffers (detached: the layer is plain data). Its
     * {@link Models#parameters} are in the order of {@code module.parameters()}, its state leaves in the order of
     * {@code module.buffers()}.
     *
     * @throws UnsupportedOperationException naming the first module (and its path) that has no functional form
     */
    public static Layer of(Module module) {
        return of(module, "the model");
    }

    private static Layer of(Module m, String path) {
        return switch (m) {
            case org.fluxion.nn.Sequential s -> {
                List<Layer> layers = new ArrayList<>(s.size());
                for (int i = 0; i < s.size(); i++) {
                    layers.add(of(s.layer(i), "layer " + i + " of " + path));
                }
                yield new Sequential(layers);
            }
            case org.fluxion.nn.Linear l -> new Linear(plain(l.weight()), plain(l.bias()));
            case org.fluxion.nn.Conv2d c -> new Conv2d(plain(c.weight()), plain(c.bias()), c.options());
            case org.fluxion.nn.BatchNorm b -> new BatchNorm(plain(b.weight()), plain(b.bias()),
                    new RunningStats(plain(b.runningMean()), plain(b.runningVar())), b.eps(), b.momentum());
            case org.fluxion.nn.Dropout d -> new Dropout(d.p());
            default -> {
                if (!m.parameters().isEmpty() || !m.buffers().isEmpty()) {
                    throw new UnsupportedOperationException(path + " (" + m + ", a " + m.getClass().getSimpleName()
                            + ") has no functional form in org.fluxion.models yet");
                }
                // a function of its input alone (activation, pooling, reshape): its apply, as it is
                yield new Function(m.toString(), m::apply);
            }
        };
    }

    private static Tensor plain(Tensor t) {
        return t == null ? null : t.detach();
    }

    /**
     * Writes {@code layer}'s parameters into {@code module.parameters()} and its other leaves into the
     * floating-point {@code module.buffers()}, in order, in place (under no-grad), as after an optimizer step.
     *
     * @throws IllegalArgumentException when the counts or shapes differ (the layer is not of this module)
     */
    public static void copyInto(Layer layer, Module module) {
        Tree.Flat flat = Tree.flatten(layer);
        boolean[] trainable = Models.trainable(flat);
        List<Tensor> params = new ArrayList<>();
        List<Tensor> state = new ArrayList<>();
        for (int i = 0; i < trainable.length; i++) {
            (trainable[i] ? params : state).add(flat.leaves().get(i));
        }
        copy("parameters", params, module.parameters(), module);
        // Integer buffers (BatchNorm's num_batches_tracked) have no leaf in the layer: whoever ran the layer's
        // training steps advances them (CompiledEngine).
        Map<String, Tensor> buffers = new java.util.LinkedHashMap<>(module.buffers());
        buffers.values().removeIf(t -> !t.dtype().isFloatingPoint());
        copy("buffers", state, buffers, module);
    }

    private static void copy(String what, List<Tensor> from, Map<String, Tensor> into, Module module) {
        if (from.size() != into.size()) {
            throw new IllegalArgumentException("copyInto: the layer has " + from.size() + " " + what + " but " + module
                    + " has " + into.size());
        }
        int i = 0;
        try (var scope = GradMode.noGrad()) {
            for (var e : into.entrySet()) {
                Tensor t = from.get(i++);
                if (!t.shape().equals(e.getValue().shape())) {
                    throw new IllegalArgumentException("copyInto: " + e.getKey() + " of " + module + " has shape "
                            + e.getValue().shape() + ", the layer's has " + t.shape());
                }
                e.getValue().copyFrom(t);
            }
        }
    }
}

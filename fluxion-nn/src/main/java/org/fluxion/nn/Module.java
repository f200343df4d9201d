package org.fluxion.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.Tensor;

/**
 * A layer or a model: plain data (its parameter tensors, buffers and child modules) plus one
 * {@link #apply} method.
 *
 * <p>Parameters are tensors with {@code requiresGrad(true)}, found by name recursively: a child's
 * parameter {@code weight} under the child named {@code 0} is {@code 0.weight}. The order is stable (the
 * declaration order of each module, depth first), so optimizers and checkpoints can rely on it. Buffers
 * (BatchNorm's running statistics) are state that is saved but not trained. Optimizer state lives outside
 * the model, in {@code org.fluxion.optim}.
 *
 * <p>A subclass implements {@link #apply} and overrides {@link #ownParameters}, {@link #ownBuffers} and
 * {@link #children} as needed. A layer's {@link #toString} is one line ("Linear 784->128"); a module with
 * children prints them as a tree ({@link #toString()}); {@link #label()} is the one-line form errors use.
 */
public abstract class Module {
    private boolean training = true;

    /** The forward pass. */
    public abstract Tensor apply(Tensor x);

    /** This module's own parameters, in a stable order (not its children's). */
    protected Map<String, Tensor> ownParameters() {
        return Map.of();
    }

    /** This module's own buffers: saved state that is not trained (e.g. running statistics). */
    protected Map<String, Tensor> ownBuffers() {
        return Map.of();
    }

    /** The direct sub-modules by name, in a stable order. */
    protected Map<String, Module> children() {
        return Map.of();
    }

    /** All trainable parameters, recursively, by dotted name ({@code 0.weight}, {@code fc1.bias}). */
    public final Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect(this, "", out, true);
        return out;
    }

    /** All buffers, recursively, by dotted name ({@code 1.running_mean}). */
    public final Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect(this, "", out, false);
        return out;
    }

    /** Parameters followed by buffers: everything a checkpoint of the model holds. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = parameters();
        out.putAll(buffers());
        return out;
    }

    /**
     * Copies every tensor of {@link #stateDict()} from {@code state} (in place, under no-grad).
     *
     * @throws IllegalArgumentException naming the tensor when one is missing or its shape differs
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        for (var e : mine.entrySet()) {
            Tensor source = state.get(e.getKey());
            if (source == null) {
                throw new IllegalArgumentException("loadStateDict: missing tensor " + e.getKey());
            }
            if (!source.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: tensor " + e.getKey() + " has shape "
                        + source.shape() + ", the model expects " + e.getValue().shape());
            }
        }
        try (var scope = GradMode.noGrad()) {
            for (var e : mine.entrySet()) {
                e.getValue().copyFrom(state.get(e.getKey()));
            }
        }
    }

    private static void collect(Module m, String prefix, Map<String, Tensor> out, boolean params) {
        for (var e : (params ? m.ownParameters() : m.ownBuffers()).entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : m.children().entrySet()) {
            collect(e.getValue(), prefix + e.getKey() + ".", out, params);
        }
    }

    /** Sets training mode (Dropout active, BatchNorm on batch statistics) here and in every child. */
    public final Module train() {
        return setTraining(true);
    }

    /** Sets evaluation mode (Dropout is the identity, BatchNorm uses running statistics) recursively. */
    public final Module eval() {
        return setTraining(false);
    }

    /** Sets the mode recursively; returns this module. */
    public final Module setTraining(boolean training) {
        this.training = training;
        for (Module child : children().values()) {
            child.setTraining(training);
        }
        return this;
    }

    /** True in training mode (the default for a new module). */
    public final boolean isTraining() {
        return training;
    }

    /** Clears the accumulated gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : parameters().values()) {
            p.zeroGrad();
        }
    }

    /** The number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** Shorthand for an ordered map literal in {@link #ownParameters} and friends; null values are skipped. */
    protected static <T> Map<String, T> named(Object... nameValuePairs) {
        Map<String, T> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            T value = (T) nameValuePairs[i + 1];
            if (value != null) {
                out.put((String) nameValuePairs[i], value);
            }
        }
        return out;
    }

    /** Throws the chain error of this layer: "{@code <this> expected input <expected>, got <actual>}". */
    protected final LayerInputException badInput(String expected, Tensor x) {
        return new LayerInputException(label(), "expected input " + expected + ", got " + x.shape());
    }

    /**
     * The module as Keras and PyTorch print a model: a layer says what it is in one line (layers override
     * this, e.g. {@code Linear 784->128}); a module with children lists them, one per line with their names
     * and parameter counts, nested modules indented, and ends with the total count.
     */
    @Override
    public String toString() {
        Map<String, Module> children = children();
        return children.isEmpty() ? className() : ModuleTree.render(className(), children, parameterCount());
    }

    /**
     * A one-line description for error messages: {@link #toString()} for a layer, the class and the number
     * of children ({@code Sequential[4]}) for a module with children, whose {@code toString} spans lines.
     */
    public String label() {
        Map<String, Module> children = children();
        return children.isEmpty() ? toString() : className() + "[" + children.size() + "]";
    }

    private String className() {
        String name = getClass().getSimpleName();
        return name.isEmpty() ? "Module" : name; // an anonymous class has no simple name
    }
}

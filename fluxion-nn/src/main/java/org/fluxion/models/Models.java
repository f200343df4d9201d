package org.fluxion.models;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.tensor.Tensor;

/**
 * What a training step does with a model as data (Equinox's {@code partition}/{@code combine}): list its
 * trainable parameters, put new ones back, count them, name every leaf for checkpoints, print a summary.
 *
 * <p>A model's <em>parameters</em> are its floating-point tensor leaves outside {@link State} records, in
 * {@link Tree#flatten} order; the other leaves (running statistics, integer tensors) are carried along but
 * neither differentiated nor seen by an optimizer.
 */
public final class Models {
    private Models() {
    }

    /** The trainable leaves of {@code model}, in flattening order. */
    public static List<Tensor> parameters(Object model) {
        Tree.Flat flat = Tree.flatten(model);
        boolean[] mask = trainable(flat);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                out.add(flat.leaves().get(i));
            }
        }
        return out;
    }

    /**
     * {@code model} with its parameters replaced by {@code parameters} (as {@link #parameters} lists them), its
     * other leaves kept.
     *
     * @throws IllegalArgumentException when the number of parameters or a shape differs, naming the index
     */
    public static <M> M withParameters(M model, List<Tensor> parameters) {
        Tree.Flat flat = Tree.flatten(model);
        boolean[] mask = trainable(flat);
        List<Tensor> leaves = new ArrayList<>(flat.leaves());
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                if (k == parameters.size()) {
                    break;
                }
                Tensor old = leaves.get(i);
                Tensor p = parameters.get(k);
                if (!old.shape().equals(p.shape())) {
                    throw new IllegalArgumentException("withParameters: parameter " + k + " has shape " + p.shape()
                            + " but the model's has shape " + old.shape());
                }
                leaves.set(i, p);
                k++;
            }
        }
        int expected = count(mask);
        if (parameters.size() != expected) {
            throw new IllegalArgumentException("withParameters: the model has " + expected + " parameters, "
                    + parameters.size() + " were given");
        }
        return flat.def().unflatten(leaves);
    }

    /** The number of trainable scalars. */
    public static long parameterCount(Object model) {
        long n = 0;
        for (Tensor p : parameters(model)) {
            n += p.size();
        }
        return n;
    }

    /** The number of scalars of state (running statistics) and other untrained leaves. */
    public static long stateCount(Object model) {
        long n = 0;
        for (Tensor t : Tree.leaves(model)) {
            n += t.size();
        }
        return n - parameterCount(model);
    }

    /**
     * Every tensor leaf of {@code model} by name, for checkpoints: record components by their names, a
     * {@link Sequential}'s layers and list elements by index, joined by dots ({@code 0.weight},
     * {@code 2.running.mean}); the order is {@link Tree#flatten}'s.
     */
    public static Map<String, Tensor> stateDict(Object model) {
        Tree.Flat flat = Tree.flatten(model);
        List<String> names = new ArrayList<>();
        names(flat.def(), "", names);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), flat.leaves().get(i));
        }
        return out;
    }

    /**
     * {@code model} with every leaf taken from {@code state} by the name {@link #stateDict} gives it (converted
     * to the leaf's dtype).
     *
     * @throws IllegalArgumentException naming the tensor when one is missing or its shape differs
     */
    public static <M> M loadStateDict(M model, Map<String, Tensor> state) {
        Tree.Flat flat = Tree.flatten(model);
        List<String> names = new ArrayList<>();
        names(flat.def(), "", names);
        List<Tensor> leaves = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            Tensor mine = flat.leaves().get(i);
            Tensor t = state.get(names.get(i));
            if (t == null) {
                throw new IllegalArgumentException("loadStateDict: missing tensor " + names.get(i));
            }
            if (!t.shape().equals(mine.shape())) {
                throw new IllegalArgumentException("loadStateDict: tensor " + names.get(i) + " has shape " + t.shape()
                        + ", the model expects " + mine.shape());
            }
            leaves.add(t.to(mine.dtype()));
        }
        return flat.def().unflatten(leaves);
    }

    private static void names(TreeDef def, String prefix, List<String> out) {
        switch (def) {
            case TreeDef.Leaf l -> out.add(prefix.isEmpty() ? "value" : prefix);
            case TreeDef.Constant c -> { }
            case TreeDef.ListNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    names(n.children().get(i), join(prefix, Integer.toString(i)), out);
                }
            }
            case TreeDef.ArrayNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    names(n.children().get(i), join(prefix, Integer.toString(i)), out);
                }
            }
            case TreeDef.MapNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    names(n.children().get(i), join(prefix, String.valueOf(n.keys().get(i))), out);
                }
            }
            case TreeDef.RecordNode n -> {
                RecordComponent[] components = n.type().getRecordComponents();
                for (int i = 0; i < components.length; i++) {
                    // a Sequential's layers are named by index alone, as PyTorch names them
                    String name = n.type() == Sequential.class ? prefix : join(prefix, components[i].getName());
                    names(n.children().get(i), name, out);
                }
            }
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** Keras's {@code model.summary()} without shapes: each layer and its parameter count. */
    public static String summary(Layer model) {
        return Summary.of(model, null);
    }

    /**
     * Keras's {@code model.summary()}: each layer, its output shape for samples of shape {@code sampleDims}
     * ({@code N} standing for the batch axis), its parameter count, and the totals. The shapes come from a
     * trace on abstract tensors: nothing is computed.
     */
    public static String summary(Layer model, int... sampleDims) {
        return Summary.of(model, sampleDims);
    }

    /** Per leaf of {@code flat}: floating point and not inside a {@link State} record. */
    static boolean[] trainable(Tree.Flat flat) {
        boolean[] mask = new boolean[flat.leaves().size()];
        int[] next = {0};
        mark(flat.def(), false, mask, next);
        for (int i = 0; i < mask.length; i++) {
            mask[i] &= flat.leaves().get(i).dtype().isFloatingPoint();
        }
        return mask;
    }

    private static void mark(TreeDef def, boolean inState, boolean[] mask, int[] next) {
        switch (def) {
            case TreeDef.Leaf l -> mask[next[0]++] = !inState;
            case TreeDef.Constant c -> { }
            case TreeDef.ListNode n -> n.children().forEach(c -> mark(c, inState, mask, next));
            case TreeDef.ArrayNode n -> n.children().forEach(c -> mark(c, inState, mask, next));
            case TreeDef.MapNode n -> n.children().forEach(c -> mark(c, inState, mask, next));
            case TreeDef.RecordNode n -> {
                boolean state = inState || State.class.isAssignableFrom(n.type());
                n.children().forEach(c -> mark(c, state, mask, next));
            }
        }
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }
}

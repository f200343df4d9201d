package org.fluxion.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.Tensor;

/**
 * A training checkpoint: all parameters and the optimizer's state in one safetensors file, names
 * prefixed with {@value #PARAMETER_PREFIX} and {@value #OPTIMIZER_PREFIX} (so
 * {@code param/0.weight}, {@code optim/0.weight.m}), plus string metadata (epoch, seed, model
 * description...). PyTorch reads it with {@code safetensors.torch.load_file}.
 *
 * <p>Saving is atomic: a crash or exception mid-save leaves the previous checkpoint intact.
 *
 * <pre>{@code
 * Checkpoint.save(dir.resolve("model.safetensors"), model.parameters(), optimizer.state(), Map.of("epoch", "3"));
 * Checkpoint.load(dir.resolve("model.safetensors")).loadInto(model.parameters(), optimizer.state());
 * }</pre>
 */
public final class Checkpoint {
    public static final String PARAMETER_PREFIX = "param/";
    public static final String OPTIMIZER_PREFIX = "optim/";

    private final Path path;
    private final Map<String, Tensor> parameters;
    private final Map<String, Tensor> optimizerState;
    private final Map<String, String> metadata;

    private Checkpoint(Path path, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState,
            Map<String, String> metadata) {
        this.path = path;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.optimizerState = Collections.unmodifiableMap(optimizerState);
        this.metadata = metadata;
    }

    /**
     * Writes {@code parameters} and {@code optimizerState} (either may be empty) and {@code metadata}
     * to {@code path} atomically.
     */
    public static void save(Path path, Map<String, Tensor> parameters, Map<String, Tensor> optimizerState,
            Map<String, String> metadata) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        // Only references are copied here; the tensors' data is streamed to the file.
        parameters.forEach((name, t) -> all.put(PARAMETER_PREFIX + name, t));
        optimizerState.forEach((name, t) -> all.put(OPTIMIZER_PREFIX + name, t));
        SafeTensors.write(path, all, metadata);
    }

    /**
     * Reads a checkpoint. Tensors whose names carry neither prefix (a file written by another tool)
     * are taken as parameters.
     */
    public static Checkpoint load(Path path) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(path);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                optimizer.put(name.substring(OPTIMIZER_PREFIX.length()), t);
            } else if (name.startsWith(PARAMETER_PREFIX)) {
                parameters.put(name.substring(PARAMETER_PREFIX.length()), t);
            } else {
                parameters.put(name, t);
            }
        });
        return new Checkpoint(path, parameters, optimizer, contents.metadata());
    }

    /** The file this checkpoint was read from. */
    public Path path() {
        return path;
    }

    /** Parameters by name, without the prefix. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    /** Optimizer state by name, without the prefix. */
    public Map<String, Tensor> optimizerState() {
        return optimizerState;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Copies the saved parameters into {@code target}'s tensors (in place, without recording a
     * gradient). Names, shapes and dtypes must match exactly; otherwise nothing is copied and an
     * {@link IllegalArgumentException} names the file and the first offending tensor, e.g.
     * {@code "checkpoint x.safetensors: tensor 'param/0.weight' has shape [128, 784], model expects [64, 784]"}.
     */
    public void loadInto(Map<String, Tensor> target) {
        List<String> problems = check(PARAMETER_PREFIX, parameters, target);
        throwIfAny(problems);
        copy(parameters, target);
    }

    /** As {@link #loadInto(Map)}, for the parameters and the optimizer state together. */
    public void loadInto(Map<String, Tensor> targetParameters, Map<String, Tensor> targetOptimizerState) {
        List<String> problems = check(PARAMETER_PREFIX, parameters, targetParameters);
        problems.addAll(check(OPTIMIZER_PREFIX, optimizerState, targetOptimizerState));
        throwIfAny(problems);
        copy(parameters, targetParameters);
        copy(optimizerState, targetOptimizerState);
    }

    private List<String> check(String prefix, Map<String, Tensor> saved, Map<String, Tensor> target) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : target.entrySet()) {
            String name = "'" + prefix + e.getKey() + "'";
            Tensor expected = e.getValue();
            Tensor found = saved.get(e.getKey());
            if (found == null) {
                problems.add("tensor " + name + " " + expected.shape() + " of the model is missing");
            } else if (!found.shape().equals(expected.shape())) {
                problems.add("tensor " + name + " has shape " + found.shape() + ", model expects "
                        + expected.shape());
            } else if (found.dtype() != expected.dtype()) {
                problems.add("tensor " + name + " has dtype " + found.dtype().label() + ", model expects "
                        + expected.dtype().label());
            }
        }
        for (String name : saved.keySet()) {
            if (!target.containsKey(name)) {
                problems.add("tensor '" + prefix + name + "' " + saved.get(name).shape() + " is not in the model");
            }
        }
        return problems;
    }

    private void throwIfAny(List<String> problems) {
        if (problems.isEmpty()) {
            return;
        }
        String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: "
                + String.join("; ", problems.subList(1, Math.min(problems.size(), 6)))
                + (problems.size() > 6 ? "; ..." : "") + ")" : "";
        throw new IllegalArgumentException("checkpoint " + path + ": " + problems.get(0) + more);
    }

    private static void copy(Map<String, Tensor> saved, Map<String, Tensor> target) {
        // Parameters are leaves that require gradients: loading must not appear on the tape.
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            target.forEach((name, t) -> t.copyFrom(saved.get(name)));
        }
    }
}

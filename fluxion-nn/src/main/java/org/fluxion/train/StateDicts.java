package org.fluxion.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.nn.Module;
import org.fluxion.tensor.Tensor;

/**
 * Loading a state dict (tensors by dotted name: {@code layer1.0.conv1.weight}, {@code bn1.running_mean})
 * into a model by name, with PyTorch's {@code load_state_dict(strict)} semantics: keys of the model absent
 * from the tensors are <em>missing</em>, keys of the tensors absent from the model are <em>unexpected</em>;
 * with {@code strict} either is an error, without it they are reported; a tensor whose shape differs from
 * the model's is an error either way. Values are converted to the model's dtype as a cast does (a float16
 * checkpoint loads into a float32 model).
 *
 * <p>Unlike PyTorch, nothing is copied unless everything can be: a failed load leaves the model as it was.
 * Fluxion's layers name their tensors as PyTorch's do ({@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var}, {@code num_batches_tracked}; {@link org.fluxion.nn.Sequential} children {@code 0},
 * {@code 1}...), so a model built with the same structure and child names loads a PyTorch checkpoint.
 */
public final class StateDicts {
    private StateDicts() {
    }

    /**
     * What a load did not match.
     *
     * @param missing    keys of the model that the tensors lack, in the model's order
     * @param unexpected keys of the tensors that the model lacks, in the tensors' order
     */
    public record Report(List<String> missing, List<String> unexpected) {
        public Report {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }

        /** True when every key matched. */
        public boolean allMatched() {
            return missing.isEmpty() && unexpected.isEmpty();
        }

        @Override
        public String toString() {
            if (allMatched()) {
                return "<All keys matched successfully>";
            }
            StringBuilder sb = new StringBuilder();
            if (!missing.isEmpty()) {
                sb.append("Missing key(s): ").append(quoted(missing));
            }
            if (!unexpected.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : "\n").append("Unexpected key(s): ").append(quoted(unexpected));
            }
            return sb.toString();
        }
    }

    /**
     * Copies {@code tensors} into {@code model}'s parameters and buffers by name.
     *
     * @return the missing and unexpected keys (both empty after a strict load)
     * @throws IllegalArgumentException listing every problem, PyTorch's way ("Error(s) in loading state_dict
     *                                  for ResNet: Missing key(s)...; size mismatch for fc.weight: copying a
     *                                  param with shape [10, 512] from checkpoint, the shape in current model
     *                                  is [1000, 512]"), when a shape differs, or when {@code strict} and a
     *                                  key is missing or unexpected; the model is then unchanged
     */
    public static Report load(Module model, Map<String, Tensor> tensors, boolean strict) {
        Map<String, Tensor> mine = model.stateDict();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (var e : mine.entrySet()) {
            Tensor source = tensors.get(e.getKey());
            if (source == null) {
                missing.add(e.getKey());
            } else if (!source.shape().equals(e.getValue().shape())) {
                mismatched.add("size mismatch for " + e.getKey() + ": copying a param with shape " + source.shape()
                        + " from checkpoint, the shape in current model is " + e.getValue().shape() + ".");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!mine.containsKey(name)) {
                unexpected.add(name);
            }
        }
        Report report = new Report(missing, unexpected);
        if (!mismatched.isEmpty() || strict && !report.allMatched()) {
            StringBuilder sb = new StringBuilder("Error(s) in loading state_dict for ").append(model.label()).append(':');
            if (strict && !missing.isEmpty()) {
                sb.append("\n\tMissing key(s) in state_dict: ").append(quoted(missing)).append('.');
            }
            if (strict && !unexpected.isEmpty()) {
                sb.append("\n\tUnexpected key(s) in state_dict: ").append(quoted(unexpected)).append('.');
            }
            for (String m : mismatched) {
                sb.append("\n\t").append(m);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        try (var scope = GradMode.noGrad()) {
            for (var e : mine.entrySet()) {
                Tensor source = tensors.get(e.getKey());
                if (source != null) {
                    e.getValue().copyFrom(source);
                }
            }
        }
        return report;
    }

    /** {@link #load(Module, Map, boolean)} of the tensors of a safetensors file (F16, BF16... included). */
    public static Report load(Module model, Path safetensors, boolean strict) throws IOException {
        return load(model, SafeTensors.read(safetensors).tensors(), strict);
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.isEmpty() ? "" : ", ").append('"').append(n).append('"');
        }
        return sb.toString();
    }
}

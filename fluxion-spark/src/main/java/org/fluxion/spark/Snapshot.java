package org.fluxion.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.models.Models;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A model's tensors by name ({@link Models#stateDict}) in a form Java serialization ships to executors:
 * floating-point leaves as {@code float[]}, integer ones as {@code long[]}.
 */
public record Snapshot(List<Entry> entries) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One tensor: its name, dtype, shape and values. */
    public record Entry(String name, String dtype, int[] dims, Serializable values) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The tensors of {@code model}. */
    public static Snapshot of(Object model) {
        List<Entry> out = new ArrayList<>();
        Models.stateDict(model).forEach((name, t) -> out.add(new Entry(name, t.dtype().name(), t.shape().dims(),
                t.dtype().isFloatingPoint() ? t.toFloatArray() : t.toLongArray())));
        return new Snapshot(List.copyOf(out));
    }

    /** {@code model} with every tensor replaced by this snapshot's (see {@link Models#loadStateDict}). */
    public <M> M into(M model) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Entry e : entries) {
            Tensor t = e.values() instanceof float[] f ? Tensor.of(f, e.dims()) : Tensor.of((long[]) e.values(), e.dims());
            state.put(e.name(), t.to(DType.valueOf(e.dtype())));
        }
        return Models.loadStateDict(model, state);
    }
}

package org.fluxion.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** The table of {@link Models#summary}: one row per layer (nested sequences indented), then the totals. */
final class Summary {
    private record Row(String name, String shape, long parameters) {
    }

    private Summary() {
    }

    static String of(Layer model, int[] sampleDims) {
        List<Row> rows = new ArrayList<>();
        if (sampleDims == null) {
            walk(model, null, "", rows);
        } else {
            int[] dims = new int[sampleDims.length + 1];
            dims[0] = 1;
            System.arraycopy(sampleDims, 0, dims, 1, sampleDims.length);
            // an abstract trace: the layers run on shapes only, nothing is computed
            Jit.makeGraph((Tensor x) -> walk(model, x, "", rows), Tensor.zeros(dtypeOf(model), dims));
        }
        int nameWidth = Math.max(5, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        int shapeWidth = Math.max(12, rows.stream().mapToInt(r -> r.shape().length()).max().orElse(0));
        StringBuilder s = new StringBuilder();
        String format = "%-" + nameWidth + "s  %-" + shapeWidth + "s  %12s%n";
        s.append(String.format(Locale.ROOT, format, "Layer", "Output shape", "Param #"));
        s.append("-".repeat(nameWidth + shapeWidth + 16)).append('\n');
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, format, r.name(), r.shape(), String.format(Locale.ROOT, "%,d", r.parameters())));
        }
        s.append("-".repeat(nameWidth + shapeWidth + 16)).append('\n');
        s.append(String.format(Locale.ROOT, "Trainable parameters: %,d%n", Models.parameterCount(model)));
        long state = Models.stateCount(model);
        if (state > 0) {
            s.append(String.format(Locale.ROOT, "State (not trained): %,d%n", state));
        }
        return s.toString();
    }

    /** Appends the rows of {@code layer} applied to {@code x} (null: no shapes) and returns its output. */
    private static Tensor walk(Layer layer, Tensor x, String indent, List<Row> rows) {
        List<Layer> parts = layer.layers();
        if (layer instanceof Sequential) {
            rows.add(new Row(indent + layer, "", Models.parameterCount(layer)));
            Tensor y = x;
            for (int i = 0; i < parts.size(); i++) {
                try {
                    y = walk(parts.get(i), y, indent + "  ", rows);
                } catch (IllegalArgumentException e) {
                    throw Sequential.located(i, parts.get(i), e);
                }
            }
            return y;
        }
        Tensor y = x == null ? null : layer.apply(x, Context.inference()).output();
        rows.add(new Row(indent + layer, y == null ? "" : shape(y.dims()), Models.parameterCount(layer)));
        return y;
    }

    private static String shape(int[] dims) {
        String s = Arrays.toString(dims);
        return "[N" + (dims.length > 1 ? ", " + s.substring(s.indexOf(',') + 2) : "]");
    }

    private static DType dtypeOf(Layer model) {
        List<Tensor> p = Models.parameters(model);
        return p.isEmpty() ? DType.FLOAT32 : p.getFirst().dtype();
    }
}

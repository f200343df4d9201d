package org.fluxion.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.fluxion.data.AtomicFiles;

/**
 * Per-epoch values of named metrics, in the order recorded. As a {@link Callback} it records each
 * {@code onEpochEnd}'s logs, like Keras' {@code History}. {@link Plots#lossCurves} draws it.
 */
public final class History implements Callback {
    public static final String TRAIN_LOSS = "trainLoss";
    public static final String TRAIN_ACCURACY = "trainAccuracy";
    public static final String VAL_LOSS = "valLoss";
    public static final String VAL_ACCURACY = "valAccuracy";

    /** One epoch's values. */
    public record Epoch(int epoch, Map<String, Double> values) {
        public Epoch {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private final Set<String> names = new LinkedHashSet<>();

    /** Records {@code values} for {@code epoch}; a metric absent in some epochs reads as NaN there. */
    public History record(int epoch, Map<String, Double> values) {
        epochs.add(new Epoch(epoch, values));
        names.addAll(values.keySet());
        return this;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        record(epoch, logs);
    }

    public List<Epoch> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Metric names in first-recorded order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(names);
    }

    public int size() {
        return epochs.size();
    }

    /** Epoch numbers as doubles, the x axis of a plot. */
    public double[] epochNumbers() {
        return epochs.stream().mapToDouble(Epoch::epoch).toArray();
    }

    /** The values of {@code name}, one per recorded epoch, NaN where it was not recorded. */
    public double[] series(String name) {
        return epochs.stream().mapToDouble(e -> e.values().getOrDefault(name, Double.NaN)).toArray();
    }

    /** The last recorded value of {@code name}. */
    public OptionalDouble last(String name) {
        for (int i = epochs.size() - 1; i >= 0; i--) {
            Double v = epochs.get(i).values().get(name);
            if (v != null) {
                return OptionalDouble.of(v);
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * CSV with a header row {@code epoch,<name>,...} and one row per epoch; missing values are empty
     * cells. Numbers use {@link Double#toString} (round-trips exactly, locale independent).
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("epoch");
        for (String name : names) {
            sb.append(',').append(name);
        }
        sb.append('\n');
        for (Epoch e : epochs) {
            sb.append(e.epoch());
            for (String name : names) {
                Double v = e.values().get(name);
                sb.append(',').append(v == null ? "" : v.toString());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code path} atomically. */
    public void writeCsv(Path path) throws IOException {
        byte[] bytes = toCsv().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> out.write(bytes));
    }
}

package org.fluxion.train;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fluxion.data.AtomicFiles;

/**
 * Per-epoch values of named metrics, in the order recorded. As a {@link Callback} it records each
 * {@code onEpochEnd}'s logs, like Keras' {@code History}. {@link Plots#lossCurves} draws it.
 */
public final class History implements Callback {
    // Keras's names, so that users' habits (history["val_loss"]) and tools carry over.
    public static final String TRAIN_LOSS = "loss";
    public static final String TRAIN_ACCURACY = "accuracy";
    public static final String VAL_LOSS = "val_loss";
    public static final String VAL_ACCURACY = "val_accuracy";

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

    /** The epochs' numbers as people count them, from 1 (callbacks receive 0-based indices, as Keras's). */
        public double[] epochNumbers() {
        return epochs.stream().mapToDouble(e -> e.epoch() + 1).toArray();
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
     * CSV (RFC 4180, quoted where a metric's name needs it) with a header row {@code epoch,<name>,...} and
     * one row per epoch, numbered from 1 as on the console; missing values are empty cells. Numbers use
     * {@link Double#toString} (round-trips exactly, locale independent).
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(sb, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            List<String> header = new ArrayList<>(List.of("epoch"));
            header.addAll(names);
            csv.printRecord(header);
            for (Epoch e : epochs) {
                List<String> row = new ArrayList<>(List.of(Integer.toString(e.epoch() + 1)));
                for (String name : names) {
                    Double v = e.values().get(name);
                    row.add(v == null ? "" : v.toString());
                }
                csv.printRecord(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code path} atomically. */
    public void writeCsv(Path path) throws IOException {
        byte[] bytes = toCsv().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> out.write(bytes));
    }
}

package org.fluxion.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fluxion.data.AtomicFiles;

/**
 * Writes the epoch logs to a CSV file as training goes, as Keras's {@code CSVLogger}: a header
 * {@code epoch,<name>,...} and one row per epoch, numbered from 1, flushed at once so that the file can be
 * followed ({@code tail -f}) or read while training runs.
 *
 * <p>RFC 4180 through commons-csv (a name with a comma or a quote is quoted). Numbers use
 * {@link Double#toString} (exact, locale independent); a metric missing in an epoch is an empty cell.
 * The columns are the first epoch's names; when a later epoch brings a new one, the file is rewritten
 * atomically with the wider header (earlier rows get empty cells), so no value is dropped. A file left
 * by an earlier run is replaced at the end of the first epoch.
 */
public final class CsvLogger implements Callback, AutoCloseable {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final Path path;
    private final Set<String> columns = new LinkedHashSet<>();
    private final List<Map<String, Double>> rows = new ArrayList<>();
    private CSVPrinter printer;

    /** A logger writing to {@code path} (created with its directories when training begins). */
    public CsvLogger(Path path) {
        if (path == null) {
            throw new IllegalArgumentException("CsvLogger: path must not be null");
        }
        this.path = path;
    }

    @Override
    public void onTrainBegin() {
        close();
        columns.clear();
        rows.clear();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", (double) (epoch + 1));
        row.putAll(logs);
        rows.add(row);
        try {
            if (printer == null || !columns.containsAll(row.keySet())) {
                columns.addAll(row.keySet());
                rewrite();
            } else {
                printer.printRecord(cells(row));
                printer.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger: could not write epoch " + (epoch + 1) + " to " + path, e);
        }
    }

    /** Writes the header and every row so far to a new file, atomically, then keeps it open for appending. */
    private void rewrite() throws IOException {
        close();
        AtomicFiles.write(path, out -> {
            // Not closed here: closing the printer would close AtomicFiles' stream before it is forced.
            CSVPrinter csv = new CSVPrinter(new OutputStreamWriter(out, StandardCharsets.UTF_8), FORMAT);
            csv.printRecord(columns);
            for (Map<String, Double> r : rows) {
                csv.printRecord(cells(r));
            }
            csv.flush();
        });
        BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        printer = new CSVPrinter(writer, FORMAT);
    }

    private List<String> cells(Map<String, Double> row) {
        List<String> cells = new ArrayList<>(columns.size());
        for (String name : columns) {
            Double v = row.get(name);
            cells.add(v == null ? "" : name.equals("epoch") ? Long.toString(v.longValue()) : v.toString());
        }
        return cells;
    }

    @Override
    public void onTrainEnd() {
        close();
    }

    /** Closes the file (training's end does it); the rows written stay. */
    @Override
    public void close() {
        if (printer != null) {
            try {
                printer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("CsvLogger: could not close " + path, e);
            } finally {
                printer = null;
            }
        }
    }

    /** The file written. */
    public Path path() {
        return path;
    }
}

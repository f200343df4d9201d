package org.fluxion.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Reads a CSV file of numbers into a feature tensor {@code [N, F]} and, optionally, a label column
 * into a tensor {@code [N]}. Quoting follows RFC 4180 (Apache Commons CSV); blank lines are skipped.
 *
 * <pre>{@code
 * CsvReader.Table t = CsvReader.read(path, CsvReader.Options.defaults().withHeader(true).withLabel("species"));
 * TensorDataset ds = t.dataset();   // features float32 [N, F], labels int64 [N]
 * }</pre>
 *
 * <p>Labels: a column of integers gives int64; of other numbers, the feature dtype (regression
 * targets); otherwise the distinct strings, sorted, become class indices (int64) listed in
 * {@link Table#classes()}. A row with the wrong number of columns, an empty or non-numeric feature
 * cell, or an empty file is a {@link DataFileException} naming the file, line and column.
 */
public final class CsvReader {
    /**
     * What a numeric cell may hold: a decimal number with an optional sign and exponent, or NaN or
     * Infinity (signed). Double.parseDouble alone would also take Java literals such as {@code 1f},
     * {@code 2d} and hexadecimal {@code 0x1p3}, which no CSV writer means as numbers.
     */
    private static final Pattern DECIMAL = Pattern.compile(
            "[+-]?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|Infinity)");

    private CsvReader() {
    }

    /**
     * How to read a file. {@code labelName} (needs a header) or {@code labelIndex} (0-based; -1 for
     * none) chooses the label column; {@code dtype} is FLOAT32 or FLOAT64.
     */
    public record Options(boolean header, char delimiter, String labelName, int labelIndex, DType dtype) {
        public Options {
            if (!dtype.isFloatingPoint()) {
                throw new IllegalArgumentException("CsvReader: feature dtype must be float32 or float64, got " + dtype.label());
            }
            if (labelName != null && !header) {
                throw new IllegalArgumentException("CsvReader: a label column by name ('" + labelName + "') needs a header");
            }
        }

        /** No header, comma-separated, no label column, float32. */
        public static Options defaults() {
            return new Options(false, ',', null, -1, DType.FLOAT32);
        }

        public Options withHeader(boolean header) {
            return new Options(header, delimiter, labelName, labelIndex, dtype);
        }

        public Options withDelimiter(char delimiter) {
            return new Options(header, delimiter, labelName, labelIndex, dtype);
        }

        /** The label column by header name. */
        public Options withLabel(String name) {
            return new Options(true, delimiter, Objects.requireNonNull(name), -1, dtype);
        }

        /** The label column by 0-based index; -1 for none. */
        public Options withLabel(int index) {
            return new Options(header, delimiter, null, index, dtype);
        }

        public Options withDType(DType dtype) {
            return new Options(header, delimiter, labelName, labelIndex, dtype);
        }
    }

    /**
     * The file's content: {@code features [N, F]}, {@code labels [N]} (null without a label column),
     * the feature column names (from the header, else {@code "0", "1", ...}) and, for string labels,
     * the class names in index order (else empty).
     */
    public record Table(Tensor features, Tensor labels, List<String> featureNames, List<String> classes) {
        /** The table as a dataset; fails when there is no label column. */
        public TensorDataset dataset() {
            if (labels == null) {
                throw new IllegalStateException("CsvReader.Table: no label column was chosen");
            }
            return new TensorDataset(features, labels);
        }
    }

    /** Reads {@code file} as {@code options} say. */
    public static Table read(Path file, Options options) throws IOException {
        String source = file.toString();
        DataFiles.requireFile(file, "a CSV file");
        String text = decodeUtf8(Files.readAllBytes(file), source);
        LineIndex lines = new LineIndex(text);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(options.delimiter()).get();
        List<CSVRecord> records = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text, format)) {
            try {
                parser.forEach(records::add);
            } catch (UncheckedIOException e) {
                // Commons CSV counts the line breaks it has read; the problem is on the line after them.
                DataFileException d = DataFileException.atLine(source, parser.getCurrentLineNumber() + 1, 0,
                        "malformed CSV (unterminated quote or text after a closing quote): " + e.getMessage());
                d.initCause(e);
                throw d;
            }
        }
        if (records.isEmpty()) {
            throw DataFileException.atLine(source, 1, 0, "empty file: expected " + (options.header() ? "a header and " : "")
                    + "rows of numbers");
        }
        int width = records.getFirst().size();
        List<String> names = new ArrayList<>();
        int first = 0;
        if (options.header()) {
            records.getFirst().forEach(names::add);
            first = 1;
        } else {
            for (int i = 0; i < width; i++) {
                names.add(Integer.toString(i));
            }
        }
        int label = options.labelIndex();
        if (options.labelName() != null) {
            label = names.indexOf(options.labelName());
            if (label < 0) {
                throw DataFileException.atLine(source, 1, 0, "no column named '" + options.labelName()
                        + "' in header " + names);
            }
        } else if (label >= width) {
            throw DataFileException.atLine(source, 1, 0, "label column " + label + " out of range for "
                    + width + " columns");
        }
        int features = label >= 0 ? width - 1 : width;
        int rows = records.size() - first;
        double[] values = new double[rows * features];
        String[] labelCells = label >= 0 ? new String[rows] : null;
        for (int r = 0; r < rows; r++) {
            CSVRecord rec = records.get(first + r);
            long line = lines.lineOf(rec.getCharacterPosition());
            if (rec.size() != width) {
                throw DataFileException.atLine(source, line, 0, "expected " + width + " columns, found " + rec.size());
            }
            int f = 0;
            for (int c = 0; c < width; c++) {
                String cell = rec.get(c).strip();
                if (c == label) {
                    labelCells[r] = cell;
                    continue;
                }
                values[r * features + f++] = parseNumber(cell, source, line, c, names);
            }
        }
        List<String> featureNames = new ArrayList<>(names);
        if (label >= 0) {
            featureNames.remove(label);
        }
        Tensor x = Tensor.of(values, rows, features).to(options.dtype());
        if (labelCells == null) {
            return new Table(x, null, List.copyOf(featureNames), List.of());
        }
        return labels(x, labelCells, List.copyOf(featureNames), options.dtype());
    }

    /**
     * The file's text; invalid UTF-8 is a {@link DataFileException} naming the line and column (in
     * characters) of the first bad byte, and its byte offset.
     */
    private static String decodeUtf8(byte[] bytes, String source) throws DataFileException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            String decoded = out.flip().toString();
            int lineStart = decoded.lastIndexOf('\n') + 1;
            long line = 1 + decoded.chars().filter(c -> c == '\n').count();
            throw DataFileException.atLine(source, line, decoded.length() - lineStart + 1, "invalid UTF-8 ("
                    + result.length() + " bad byte(s) at byte offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    private static Table labels(Tensor x, String[] cells, List<String> featureNames, DType dtype) {
        long[] integers = new long[cells.length];
        double[] reals = new double[cells.length];
        boolean allIntegers = true;
        boolean allNumbers = true;
        for (int i = 0; i < cells.length && allNumbers; i++) {
            if (!DECIMAL.matcher(cells[i]).matches()) {
                allNumbers = false;
                allIntegers = false;
                continue;
            }
            try {
                integers[i] = Long.parseLong(cells[i]);
                reals[i] = integers[i];
            } catch (NumberFormatException e) {
                allIntegers = false;
                reals[i] = Double.parseDouble(cells[i]);
            }
        }
        if (allIntegers) {
            return new Table(x, Tensor.of(integers, cells.length), featureNames, List.of());
        }
        if (allNumbers) {
            return new Table(x, Tensor.of(reals, cells.length).to(dtype), featureNames, List.of());
        }
        List<String> classes = List.copyOf(new TreeSet<>(Arrays.asList(cells)));
        long[] indices = new long[cells.length];
        for (int i = 0; i < cells.length; i++) {
            indices[i] = java.util.Collections.binarySearch(classes, cells[i]);
        }
        return new Table(x, Tensor.wrap(Storage.wrap(DType.INT64, indices), Shape.of(cells.length)), featureNames, classes);
    }

    private static double parseNumber(String cell, String source, long line, int column, List<String> names)
            throws DataFileException {
        if (DECIMAL.matcher(cell).matches()) {
            return Double.parseDouble(cell);
        }
        throw DataFileException.atLine(source, line, column + 1, (cell.isEmpty() ? "empty cell" : "'" + cell + "'")
                + " in column '" + names.get(column) + "': expected a number (decimal, NaN or Infinity)");
    }

    /** Maps character positions to 1-based line numbers (quoted fields may span lines). */
    private static final class LineIndex {
        private final String text;
        private final int[] starts;

        LineIndex(String text) {
            this.text = text;
            List<Integer> s = new ArrayList<>();
            s.add(0);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    s.add(i + 1);
                }
            }
            starts = s.stream().mapToInt(Integer::intValue).toArray();
        }

        long lineOf(long position) {
            int p = (int) position;
            // Commons CSV gives the position before the blank lines it skipped ahead of the record.
            while (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
                p++;
            }
            int i = Arrays.binarySearch(starts, p);
            return i >= 0 ? i + 1 : -i - 1;
        }
    }
}

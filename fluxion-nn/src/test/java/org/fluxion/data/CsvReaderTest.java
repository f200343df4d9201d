package org.fluxion.data;

import static org.fluxion.data.NpyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    @Test
    void headerStringLabelsAndQuoting() throws IOException {
        Path file = write("\"sepal, length\",width,species\n5.1,3.5,setosa\n\n7.0,\"3.2\",versicolor\n6.3,3.3,setosa\n");
        CsvReader.Table t = CsvReader.read(file, CsvReader.Options.defaults().withLabel("species"));
        assertEquals(Tensor.of(new float[] {5.1f, 3.5f, 7.0f, 3.2f, 6.3f, 3.3f}, 3, 2), t.features());
        assertEquals(Tensor.of(new long[] {0, 1, 0}, 3), t.labels());
        assertEquals(List.of("setosa", "versicolor"), t.classes());
        assertEquals(List.of("sepal, length", "width"), t.featureNames());
        assertEquals(3, t.dataset().size());
    }

    @Test
    void noHeaderIntegerLabelByIndexAndFloat64() throws IOException {
        Path file = write("1;0.5;2\n0;1.5;-3\n");
        CsvReader.Table t = CsvReader.read(file, CsvReader.Options.defaults().withDelimiter(';').withLabel(0)
                .withDType(DType.FLOAT64));
        assertEquals(Tensor.of(new double[] {0.5, 2, 1.5, -3}, 2, 2), t.features());
        assertEquals(Tensor.of(new long[] {1, 0}, 2), t.labels());
        CsvReader.Table all = CsvReader.read(file, CsvReader.Options.defaults().withDelimiter(';'));
        assertArrayEquals(new int[] {2, 3}, all.features().dims());
        assertNull(all.labels());
        assertThrows(IllegalStateException.class, all::dataset);
    }

    @Test
    void wrongNumberOfColumnsNamesTheLine() throws IOException {
        Path file = write("a,b,c\n1,2,3\n\"4\n\",5,6\n\n7,8\n");
        // Line 6: the quoted field on line 3 spans two lines and a blank line is skipped.
        assertMessage(file, "line 6", "expected 3 columns, found 2",
                () -> CsvReader.read(file, CsvReader.Options.defaults().withHeader(true)));
    }

    @Test
    void nonNumericAndEmptyCellsNameLineAndColumn() throws IOException {
        Path file = write("a,b\n1,2\n3,abc\n");
        assertMessage(file, "line 3, column 2", "'abc' in column 'b': expected a number",
                () -> CsvReader.read(file, CsvReader.Options.defaults().withHeader(true)));
        Path empty = write("1,2\n,4\n");
        assertMessage(empty, "line 2, column 1", "empty cell", () -> CsvReader.read(empty, CsvReader.Options.defaults()));
    }

    @Test
    void numbersAreDecimalNaNOrInfinityNotJavaLiterals() throws IOException {
        Path file = write("x,y\n+1.5e3,1f\n-.5,2d\nNaN,0x1p3\n-Infinity,1f\n7.,2d\n");
        CsvReader.Table t = CsvReader.read(file, CsvReader.Options.defaults().withLabel("y")
                .withDType(DType.FLOAT64));
        assertArrayEquals(new double[] {1500, -0.5, Double.NaN, Double.NEGATIVE_INFINITY, 7},
                t.features().toDoubleArray());
        // Labels follow the same rule: Java literals are class names, not numbers.
        assertEquals(List.of("0x1p3", "1f", "2d"), t.classes());
        assertEquals(Tensor.of(new long[] {1, 2, 0, 1, 2}, 5), t.labels());
        Path hex = write("x\n0x1p3\n");
        assertMessage(hex, "line 2, column 1", "'0x1p3' in column 'x'",
                () -> CsvReader.read(hex, CsvReader.Options.defaults().withHeader(true)));
    }

    @Test
    void invalidUtf8NamesTheLineAndColumn() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, new byte[] {'a', '\n', '1', '\n', '2', (byte) 0xe9, '\n'});
        assertMessage(file, "line 3, column 2", "invalid UTF-8",
                () -> CsvReader.read(file, CsvReader.Options.defaults().withHeader(true)));
    }

    @Test
    void emptyFileMissingFileAndUnknownLabel() throws IOException {
        Path file = write("");
        assertMessage(file, "line 1", "empty file", () -> CsvReader.read(file, CsvReader.Options.defaults()));
        Path header = write("a,b\n1,2\n");
        assertMessage(header, "line 1", "no column named 'c'",
                () -> CsvReader.read(header, CsvReader.Options.defaults().withLabel("c")));
        assertMessage(header, "malformed", "", () -> CsvReader.read(write("1,\"2\n"), CsvReader.Options.defaults()));
        assertThrows(NoSuchFileException.class, () -> CsvReader.read(dir.resolve("none.csv"), CsvReader.Options.defaults()));
    }
}

package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A missing file, or a directory where a file should be, names the path and what was expected there. */
class MissingFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyReaderNamesThePathAndWhatItExpected() {
        Path missing = dir.resolve("nothing-here");
        check(() -> Npy.read(missing), missing, "NumPy .npy array");
        check(() -> Npz.read(missing), missing, "NumPy .npz archive");
        check(() -> IdxReader.readImages(missing, true), missing, "IDX file");
        check(() -> IdxReader.readLabels(missing), missing, "IDX file");
        check(() -> CsvReader.read(missing, CsvReader.Options.defaults()), missing, "CSV file");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Npy.read(dir));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    private static void check(Executable read, Path path, String kind) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, read);
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("does not exist")
                && e.getMessage().contains(kind), e.getMessage());
    }
}

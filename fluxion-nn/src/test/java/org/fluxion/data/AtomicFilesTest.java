package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static boolean posix(Path dir) throws IOException {
        return Files.getFileStore(dir).supportsFileAttributeView("posix");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacingAPrivateFileKeepsItPrivate() throws IOException {
        assumeTrue(posix(dir));
        Path file = dir.resolve("model.safetensors");
        AtomicFiles.write(file, out -> out.write(1));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.write(file, out -> out.write(2));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        AtomicFiles.write(file, out -> out.write(3));
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(file));
    }

    @Test
    void theNextSaveDeletesTemporariesLeftByAKilledWriter() throws IOException {
        Path file = dir.resolve("model.safetensors");
        // What kill -9 during a save leaves behind: a temporary of our naming, nobody holding it.
        Files.write(dir.resolve(".model.safetensors.8812093.tmp"), new byte[100]);
        Files.write(dir.resolve(".model.safetensors.17.tmp"), new byte[100]);
        // Not ours or not this target's: kept.
        Files.write(dir.resolve(".other.safetensors.17.tmp"), new byte[1]);
        Files.write(dir.resolve(".model.safetensors.notdigits.tmp"), new byte[1]);
        Files.write(dir.resolve("model.safetensors.17.tmp"), new byte[1]);
        AtomicFiles.write(file, out -> out.write(7));
        assertEquals(List.of(".model.safetensors.notdigits.tmp", ".other.safetensors.17.tmp", "model.safetensors",
                "model.safetensors.17.tmp"), names());
    }

    @Test
    void aSaveInProgressIsNotTakenForStale() throws IOException {
        Path file = dir.resolve("model.safetensors");
        // A second save of the same target starts while the first is writing its temporary.
        AtomicFiles.write(file, out -> {
            out.write(1);
            AtomicFiles.write(file, inner -> inner.write(2));
            assertTrue(names().stream().anyMatch(AtomicFilesTest::isTemporary), "the outer temporary survives");
            out.write(3);
        });
        assertArrayEquals(new byte[] {1, 3}, Files.readAllBytes(file));
        assertFalse(names().stream().anyMatch(AtomicFilesTest::isTemporary), names().toString());
    }

    private static boolean isTemporary(String name) {
        return AtomicFiles.temporaryName("model.safetensors").matcher(name).matches();
    }
}

package org.fluxion.data;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Checks shared by the readers before they open a file. */
final class DataFiles {
    private DataFiles() {
    }

    /**
     * Fails unless {@code file} is a regular file, with a {@link NoSuchFileException} that names the path
     * and what was expected there ({@code kind}, e.g. "a NumPy .npy array"): the JDK's own exception
     * names only the path.
     */
    static void requireFile(Path file, String kind) throws NoSuchFileException {
        if (Files.isRegularFile(file)) {
            return;
        }
        String what = Files.isDirectory(file) ? "is a directory" : "does not exist";
        throw new NoSuchFileException(file.toString(), null, what + "; expected " + kind + " there");
    }
}

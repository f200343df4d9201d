package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library discovery on fake directories (no CUDA needed). */
class CudaLibrariesTest {
    @TempDir
    Path tmp;

    @Test
    void firstDirectoryWinsAndHighestVersionWithinIt() throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.createFile(b.resolve("libnvrtc.so.12"));
        Files.createFile(a.resolve("libnvrtc.so.9"));
        Files.createFile(a.resolve("libnvrtc.so.13"));
        Files.createFile(a.resolve("libnvrtc-builtins.so.13"));
        var path = new CudaLibraries.SearchPath(List.of(tmp.resolve("missing"), a, b));
        assertEquals(a.resolve("libnvrtc.so.13"), CudaLibraries.nvrtc(path));
        Files.createFile(b.resolve("libcuda.so.1"));
        assertEquals(b.resolve("libcuda.so.1"), CudaLibraries.driver(path));
    }

    @Test
    void absentLibraryNamesEveryDirectoryLookedAt() {
        var path = new CudaLibraries.SearchPath(List.of(tmp.resolve("x"), tmp.resolve("y")));
        var e = assertThrows(CudaLibraryNotFoundException.class, () -> CudaLibraries.cublas(path));
        assertTrue(e.getMessage().contains("cuBLAS") && e.getMessage().contains("libcublas.so*"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("x").toString()) && e.getMessage().contains(tmp.resolve("y").toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains(CudaLibraries.PATH_PROPERTY), e.getMessage());
    }

    @Test
    void defaultsPutThePropertyFirstThenTheDriverDirectory() {
        String before = System.getProperty(CudaLibraries.PATH_PROPERTY);
        System.setProperty(CudaLibraries.PATH_PROPERTY, tmp.toString());
        try {
            List<Path> dirs = CudaLibraries.SearchPath.defaults().directories();
            assertEquals(tmp, dirs.get(0));
            assertTrue(dirs.contains(Path.of("/usr/local/nvidia/lib64")), dirs.toString());
            assertTrue(dirs.contains(Path.of("/usr/local/cuda/lib64")), dirs.toString());
        } finally {
            if (before == null) {
                System.clearProperty(CudaLibraries.PATH_PROPERTY);
            } else {
                System.setProperty(CudaLibraries.PATH_PROPERTY, before);
            }
        }
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(CudaLibraries.compareVersions("libcublas.so.13", "libcublas.so.9") > 0);
        assertTrue(CudaLibraries.compareVersions("libcublas.so.13.1.0", "libcublas.so.13") > 0);
    }
}

package org.fluxion.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the CUDA libraries are found: the driver ({@code libcuda.so.1}), NVRTC ({@code libnvrtc.so.N}) and
 * cuBLAS ({@code libcublas.so.N}). Nothing is downloaded: the libraries of a CUDA installation, of the
 * driver, or of the pip packages {@code nvidia-cuda-nvrtc} / {@code nvidia-cublas} that PyTorch installs
 * are used where they are.
 *
 * <p>A {@link SearchPath} is an ordered list of directories; for each library the first directory holding
 * a matching file wins, and within one directory the highest version. {@link SearchPath#defaults()} is,
 * in order: the directories of the system property {@value #PATH_PROPERTY} (separated by
 * {@code File.pathSeparator}); {@code $CUDA_HOME/lib64}, {@code $CUDA_HOME/lib}; {@code /usr/local/cuda/lib64};
 * the driver's directories {@code /usr/local/nvidia/lib64}, {@code /usr/local/nvidia/lib},
 * {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}; then every {@code lib} directory under
 * {@code nvidia/} in Python's site-packages ({@code /usr/lib/python3*}, {@code /usr/local/lib/python3*},
 * {@code /opt/conda/lib/python3*}, {@code ~/.local/lib/python3*}, each {@code site-packages} or
 * {@code dist-packages}).
 */
public final class CudaLibraries {
    /** System property: extra directories searched first. */
    public static final String PATH_PROPERTY = "fluxion.cuda.path";

    private CudaLibraries() {
    }

    /** An ordered list of directories to search; missing directories are skipped. */
    public record SearchPath(List<Path> directories) {
        public SearchPath {
            directories = List.copyOf(directories);
        }

        /** The default search path described in {@link CudaLibraries}. */
        public static SearchPath defaults() {
            Set<Path> dirs = new LinkedHashSet<>();
            String property = System.getProperty(PATH_PROPERTY);
            if (property != null && !property.isBlank()) {
                for (String d : property.split(java.io.File.pathSeparator)) {
                    if (!d.isBlank()) {
                        dirs.add(Path.of(d.trim()));
                    }
                }
            }
            String cudaHome = System.getenv("CUDA_HOME");
            if (cudaHome != null && !cudaHome.isBlank()) {
                dirs.add(Path.of(cudaHome, "lib64"));
                dirs.add(Path.of(cudaHome, "lib"));
            }
            for (String d : List.of("/usr/local/cuda/lib64", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
                    "/usr/lib/x86_64-linux-gnu", "/usr/lib64")) {
                dirs.add(Path.of(d));
            }
            dirs.addAll(pipNvidiaLibraryDirectories());
            return new SearchPath(new ArrayList<>(dirs));
        }

        /** This path with {@code first} searched before the others. */
        public SearchPath prepend(Path first) {
            List<Path> l = new ArrayList<>();
            l.add(first);
            l.addAll(directories);
            return new SearchPath(l);
        }
    }

    /** The driver library, {@code libcuda.so.1} (or {@code libcuda.so}). */
    public static Path driver(SearchPath path) {
        return find("the CUDA driver", path, Pattern.compile("libcuda\\.so(\\.1)?"), List.of("libcuda.so.1", "libcuda.so"));
    }

    /** NVRTC, {@code libnvrtc.so.N} (the highest N in the first directory holding one). */
    public static Path nvrtc(SearchPath path) {
        return find("NVRTC", path, Pattern.compile("libnvrtc\\.so(\\.\\d+)*"), List.of("libnvrtc.so*"));
    }

    /** cuBLAS, {@code libcublas.so.N}. */
    public static Path cublas(SearchPath path) {
        return find("cuBLAS", path, Pattern.compile("libcublas\\.so(\\.\\d+)*"), List.of("libcublas.so*"));
    }

    static Path find(String library, SearchPath path, Pattern name, List<String> described) {
        for (Path dir : path.directories()) {
            Optional<Path> hit = bestIn(dir, name);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        throw new CudaLibraryNotFoundException(library, described, path.directories());
    }

    /** The file in {@code dir} matching {@code name} with the longest, then highest, version suffix. */
    private static Optional<Path> bestIn(Path dir, Pattern name) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> name.matcher(f.getFileName().toString()).matches())
                    .filter(Files::isReadable)
                    .max(Comparator.comparing((Path f) -> f.getFileName().toString(), CudaLibraries::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compares {@code libx.so.13.0.88} style names by their numeric parts. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int k = 0; k < Math.min(x.length, y.length); k++) {
            int c = x[k].matches("\\d+") && y[k].matches("\\d+")
                    ? Long.compare(Long.parseLong(x[k]), Long.parseLong(y[k])) : x[k].compareTo(y[k]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    /**
     * {@code .../site-packages/nvidia/<package>/lib} (CUDA 12 wheels) and {@code .../nvidia/cu13/lib}
     * (CUDA 13 wheels) for every Python installation in the usual places.
     */
    static List<Path> pipNvidiaLibraryDirectories() {
        List<Path> roots = new ArrayList<>();
        String home = System.getProperty("user.home");
        for (String base : new String[] {"/usr/lib", "/usr/local/lib", "/opt/conda/lib", home + "/.local/lib"}) {
            Path b = Path.of(base);
            if (!Files.isDirectory(b)) {
                continue;
            }
            try (Stream<Path> pythons = Files.list(b)) {
                pythons.filter(p -> p.getFileName().toString().startsWith("python3")).sorted(Comparator.reverseOrder())
                        .forEach(py -> {
                            roots.add(py.resolve("site-packages/nvidia"));
                            roots.add(py.resolve("dist-packages/nvidia"));
                        });
            } catch (IOException e) {
                throw new UncheckedIOException("listing " + b + " for Python installations", e);
            }
        }
        List<Path> libs = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root, 3)) {
                walk.filter(p -> p.getFileName().toString().equals("lib") && Files.isDirectory(p)).sorted().forEach(libs::add);
            } catch (IOException e) {
                throw new UncheckedIOException("searching " + root + " for CUDA libraries", e);
            }
        }
        return libs;
    }
}

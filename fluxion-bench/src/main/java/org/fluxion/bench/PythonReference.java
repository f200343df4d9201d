package org.fluxion.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PyTorch workload in a Python subprocess, driven step by step so that it can alternate with
 * Fluxion's side in one run. Torch runs as {@code shared/BENCHMARKS.md} asks: Debian's python3 with the
 * OpenMP OpenBLAS build and the same thread count as Fluxion.
 *
 * <p>Workloads are Python files among this class's resources ({@code python/NAME.py}) defining
 * {@code setup(args) -> step}; {@code python/harness.py} runs them.
 */
public final class PythonReference implements AutoCloseable {
    /** What to tell the user when torch is missing. */
    public static final String INSTALL_HINT =
            "install with: apt-get install python3-torch python3-numpy libopenblas0-openmp";
    private static final String PYTHON = "/usr/bin/python3";
    /** Python modules that workloads import from their own directory. */
    private static final String[] SHARED_MODULES = {"fashion_mnist.py"};
    private static final String OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;

    private PythonReference(Process process) {
        this.process = process;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** What to tell the user when SciPy is missing. */
    public static final String SCIPY_HINT = "install with: apt-get install python3-scipy";

    /** True when Debian's python3 can import torch here. */
    public static boolean available() {
        return available("torch");
    }

    /** True when Debian's python3 can import {@code module} here. */
    public static boolean available(String module) {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts workload {@code name} with {@code threads} torch threads and the given arguments. */
    public static PythonReference start(String name, int threads, String... args) throws IOException {
        Path dir = Files.createTempDirectory("fluxion-bench");
        dir.toFile().deleteOnExit();
        Path harness = extract("harness.py", dir);
        for (String module : SHARED_MODULES) {
            extract(module, dir);
        }
        Path workload = extract(name + ".py", dir);
        List<String> command = new ArrayList<>(List.of(PYTHON, harness.toString(), workload.toString(),
                Integer.toString(threads)));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (Files.isDirectory(Path.of(OPENBLAS_OPENMP))) {
            pb.environment().put("LD_LIBRARY_PATH", OPENBLAS_OPENMP);
        }
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        String core = openBlasCore();
        if (core != null && System.getenv("OPENBLAS_CORETYPE") == null) {
            pb.environment().put("OPENBLAS_CORETYPE", core);
        }
        PythonReference ref = new PythonReference(pb.start());
        String ready = ref.out.readLine();
        if (!"ready".equals(ready)) {
            ref.close();
            throw new IOException("PyTorch workload " + name + " did not start (said: " + ready + ")");
        }
        return ref;
    }

    /**
     * The OpenBLAS kernels for this CPU's vector extensions: {@code SkylakeX} with AVX-512 (F, BW, DQ, VL),
     * {@code Haswell} with AVX2 and FMA, else null (OpenBLAS's own choice). Debian's OpenBLAS 0.3.21 detects the
     * core by CPU model and falls back to {@code Prescott} (SSE3, a quarter of the speed) on models newer than
     * itself, such as Emerald Rapids (family 6, model 207): the reference would then not be at its best.
     */
    static String openBlasCore() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return null;
        }
        try {
            String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst()
                    .orElse("");
            java.util.Set<String> has = new java.util.HashSet<>(List.of(flags.replaceFirst("^flags\\s*:", "")
                    .trim().split("\\s+")));
            if (has.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
                return "SkylakeX";
            }
            return has.containsAll(List.of("avx2", "fma")) ? "Haswell" : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path extract(String resource, Path dir) throws IOException {
        try (InputStream s = PythonReference.class.getResourceAsStream("python/" + resource)) {
            if (s == null) {
                throw new IOException("missing benchmark resource python/" + resource);
            }
            Path p = dir.resolve(resource);
            Files.copy(s, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        }
    }

    /** Runs {@code calls} steps and returns the seconds they took, as measured in Python. */
    public double run(int calls) {
        in.println("run " + calls);
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("PyTorch workload exited unexpectedly");
            }
            return Double.parseDouble(line.trim());
        } catch (IOException e) {
            throw new IllegalStateException("PyTorch workload failed", e);
        }
    }

    /** The workload's {@code info()} line: what its last step computed (counts, values), workload-defined. */
    public String info() {
        in.println("info");
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("Python workload exited unexpectedly");
            }
            return line.trim();
        } catch (IOException e) {
            throw new IllegalStateException("Python workload failed", e);
        }
    }

    /** Peak resident set size of the Python process so far, in bytes, as the OS counts it. */
    public long peakRss() {
        in.println("rss");
        try {
            return Long.parseLong(out.readLine().trim());
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("PyTorch workload did not report its memory", e);
        }
    }

    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

package org.fluxion.bench;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.fluxion.autodiff.Functional;
import org.fluxion.kernels.Parallel;
import org.fluxion.linalg.Linalg;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench linalg}: float64 factorizations and solves, Fluxion's {@link Linalg} against NumPy and
 * SciPy (LAPACK through OpenBLAS) in a Python subprocess with the same thread count, on the same matrices:
 * cholesky, solve (one right-hand side), lu (P, L, U), qr (reduced), eigh, svd (reduced), and the forward plus
 * backward pass of solve and cholesky against PyTorch's. n = 256 and 512 on 1 and 2 threads (system property
 * {@code fluxion.bench.configs}, e.g. {@code cholesky-n1024-t1}, picks others). Times are medians of
 * alternating rounds after warm-up: steady state.
 */
public final class LinalgBench implements Benchmark {
    private static final String[] OPS = {"cholesky", "solve", "lu", "qr", "eigh", "svd", "solve-backward",
            "cholesky-backward"};
    /** The sizes run by default; 1024 only when {@code fluxion.bench.configs} names it. */
    private static final int[] SIZES = {256, 512};
    private static final int[] ALL_SIZES = {256, 512, 1024};
    private static final int[] THREADS = {1, 2};
    private static final int REPEATS = 5;

    @Override
    public String name() {
        return "linalg";
    }

    @Override
    public String description() {
        return "float64 cholesky, solve, lu, qr, eigh, svd (and solve/cholesky backward), n = 256/512, 1 and 2 "
                + "threads, vs NumPy/SciPy on OpenBLAS (and PyTorch for the backward passes)";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        int saved = Parallel.threads();
        List<String> lines = new ArrayList<>();
        try {
            for (String op : OPS) {
                for (int n : ALL_SIZES) {
                    for (int t : THREADS) {
                        String config = op + "-n" + n + "-t" + t;
                        if (selected(config, n)) {
                            lines.add(runConfig(out, op, n, t, config));
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        lines.forEach(out::println);
    }

    /** Whether to run {@code config}: one named in {@code fluxion.bench.configs}, or by default one of {@link #SIZES}. */
    private static boolean selected(String config, int n) {
        if (BenchLine.namedConfigs().isEmpty()) {
            return java.util.Arrays.stream(SIZES).anyMatch(s -> s == n);
        }
        return BenchLine.selected(config);
    }

    private String runConfig(PrintStream out, String op, int n, int threads, String config) throws Exception {
        Random rng = new Random(n);
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian() + (i / n == i % n ? n : 0);
        }
        Tensor ta = Tensor.of(a, n, n);
        Tensor ts = ta.matmul(ta.transpose()).div(n).add(Tensor.eye(n, n, DType.FLOAT64));
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rng.nextGaussian();
        }
        Tensor tb = Tensor.of(b, n, 1);
        Supplier<Object> work = fluxionSide(op, ta, ts, tb, n);
        Parallel.setThreads(threads);
        Runnable fluxion = work::get;
        long end = System.nanoTime() + 1_000_000_000L;
        int calls = 0;
        long t0 = System.nanoTime();
        do { // warm-up, and the number of calls that fills a round of about 0.2 s
            fluxion.run();
            calls++;
        } while (System.nanoTime() < end);
        double once = (System.nanoTime() - t0) * 1e-9 / calls;
        int perRound = (int) Math.max(1, Math.round(0.2 / once));
        String what = op.endsWith("backward") ? "PyTorch" : "NumPy/SciPy";
        if (!PythonReference.available()) {
            double f = Alternating.run(fluxion, () -> { }, 0, REPEATS, perRound).fluxionSeconds();
            return BenchLine.unavailable(name(), config, BenchLine.seconds(f), PythonReference.INSTALL_HINT);
        }
        Path data = Files.createTempFile("fluxion-linalg", ".f64");
        try {
            write(data, ta, ts, tb);
            try (PythonReference ref = PythonReference.start("linalg", threads, op, Integer.toString(n), data.toString())) {
                Alternating.Result r = Alternating.runTimed(fluxion, ref::run, 1, REPEATS, perRound);
                out.printf(Locale.ROOT, "linalg %s: Fluxion %s, %s %s per call%n", config,
                        BenchLine.seconds(r.fluxionSeconds()), what, BenchLine.seconds(r.referenceSeconds()));
                return BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds());
            }
        } finally {
            Files.deleteIfExists(data);
        }
    }

    private static Supplier<Object> fluxionSide(String op, Tensor a, Tensor s, Tensor b, int n) {
        return switch (op) {
            case "cholesky" -> () -> Linalg.cholesky(s);
            case "solve" -> () -> Linalg.solve(a, b);
            case "lu" -> () -> Linalg.lu(a);
            case "qr" -> () -> Linalg.qr(a);
            case "eigh" -> () -> Linalg.eigh(s);
            case "svd" -> () -> Linalg.svd(a);
            case "solve-backward" -> {
                Tensor g = Tensor.ones(DType.FLOAT64, n, 1);
                yield () -> Functional.vjp(x -> Linalg.solve(x[0], x[1]), new Tensor[] {a, b}).pullback().apply(g);
            }
            case "cholesky-backward" -> {
                Tensor g = Linalg.tril(Tensor.ones(DType.FLOAT64, n, n));
                yield () -> Functional.vjp(x -> Linalg.cholesky(x[0]), new Tensor[] {s}).pullback().apply(g);
            }
            default -> throw new IllegalArgumentException("linalg bench: unknown op " + op);
        };
    }

    /** A, S and B as raw little-endian float64, the layout {@code python/linalg.py} reads. */
    private static void write(Path path, Tensor a, Tensor s, Tensor b) throws java.io.IOException {
        double[][] parts = {a.toDoubleArray(), s.toDoubleArray(), b.toDoubleArray()};
        int total = 0;
        for (double[] p : parts) {
            total += p.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total * 8).order(ByteOrder.nativeOrder());
        for (double[] p : parts) {
            for (double v : p) {
                buf.putDouble(v);
            }
        }
        Files.write(path, buf.array());
    }
}

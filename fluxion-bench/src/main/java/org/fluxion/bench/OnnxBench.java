package org.fluxion.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.kernels.Parallel;
import org.fluxion.onnx.Onnx;
import org.fluxion.onnx.OnnxModel;
import org.fluxion.onnx.TensorProtos;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench onnx}: inference of imported ONNX models, Fluxion's importer under {@code jit}
 * against the same model in PyTorch eager ({@code python/onnx_bench.py}, which builds the model with random
 * weights, exports it with {@code torch.onnx.export} at opset 17 and writes an input and its output). Two
 * models, batch 1 and 32, 2 threads each side, float32: a ResNet-18-shaped CNN on 64x64 images
 * (torchvision's layout: 7x7 stem, four stages of two basic blocks, BatchNorm, 1000 classes) and a
 * 4-layer post-norm transformer encoder (d 256, 4 heads, GELU MLP 1024) on 64 tokens. Before timing, the
 * Fluxion output is checked against PyTorch's, and Fluxion is warmed up for a few seconds (steady state, per
 * the benchmark protocol; the first call is reported on its own). The system property {@code fluxion.bench.configs}
 * (comma-separated, e.g. {@code resnet18-64px-b32-t2}) runs only the configurations it names.
 */
public final class OnnxBench implements Benchmark {
    private static final int THREADS = 2;

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public String description() {
        return "imported ResNet-18-shaped CNN and transformer encoder, batch 1 and 32: jit vs PyTorch eager";
    }

    @Override
    public void run(PrintStream out) throws Exception {
        String[][] configs = {
            {"resnet18", "1", "64"}, {"resnet18", "32", "64"}, {"encoder", "1", "64"}, {"encoder", "32", "64"},
        };
        int threads = Parallel.threads();
        Parallel.setThreads(THREADS);
        try {
            for (String[] c : configs) {
                String config = c[0] + (c[0].equals("resnet18") ? "-" + c[2] + "px" : "-seq" + c[2]) + "-b" + c[1]
                        + "-t" + THREADS;
                if (!BenchLine.selected(config)) {
                    continue;
                }
                if (!PythonReference.available()) {
                    out.println(BenchLine.unavailable(name(), config, "n/a (the models are exported by PyTorch)",
                            PythonReference.INSTALL_HINT + " python3-onnx"));
                    continue;
                }
                runOne(out, config, c);
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static final int WARMUP_MIN_CALLS = 10;
    private static final double ROUND_SECONDS = 0.25;
    private static final int REPEATS = 7;
    private static final long SETTLE_MILLIS = 50;
    private static final double WARMUP_SECONDS = 3;

    private void runOne(PrintStream out, String config, String[] c) throws Exception {
        Path dir = Files.createTempDirectory("fluxion-onnx-bench");
        try (PythonReference torch = PythonReference.start("onnx_bench", THREADS, c[0], c[1], dir.toString(), c[2])) {
            OnnxModel model = Onnx.loadForInference(dir.resolve("model.onnx"));
            Tensor x = TensorProtos.readFile(dir.resolve("input.pb"));
            Tensor expected = TensorProtos.readFile(dir.resolve("output.pb"));
            Function<Tensor[], Tensor[]> f = Jit.jit(model.function());
            long t0 = System.nanoTime();
            Tensor y = f.apply(new Tensor[] {x})[0];
            double first = (System.nanoTime() - t0) / 1e9;
            double diff = y.sub(expected).abs().max().item();
            double scale = expected.abs().max().item();
            if (!(diff <= 1e-3 * Math.max(1, scale))) {
                throw new IllegalStateException(config + ": Fluxion's output differs from PyTorch's by " + diff
                        + " (largest output " + scale + ")");
            }
            Tensor[] input = {x};
            // A batch-1 network calls each kernel once per inference: two warm-up calls would leave the Vector API
            // loops interpreted (boxing every vector, ~100x slower) and time the JIT compiler, not the plan.
            int warmup = Alternating.warmUp(() -> f.apply(input), WARMUP_MIN_CALLS, WARMUP_SECONDS);
            // Rounds of ROUND_SECONDS (from the warm-up's pace, which includes compiling: an overestimate per call),
            // each started on a quiet machine: a single batch-1 call lasts a few milliseconds, as long as torch's
            // worker spins after its own round.
            int calls = Math.max(1, (int) (ROUND_SECONDS * warmup / WARMUP_SECONDS));
            Alternating.Result r = Alternating.runTimed(() -> f.apply(input), torch::run, 2, REPEATS, calls, calls,
                    SETTLE_MILLIS);
            out.println(config + ": " + model.operatorHistogram().values().stream().mapToInt(Integer::intValue).sum()
                    + " nodes, " + String.format("%,d", model.parameterCount()) + " parameters; first call (trace, "
                    + "compile, run) " + BenchLine.seconds(first) + "; " + warmup + " warm-up calls; " + calls
                    + " calls per round; max |Fluxion - PyTorch| " + String.format("%.2g", diff)
                    + "; Fluxion jit " + BenchLine.seconds(r.fluxionSeconds()) + ", PyTorch eager "
                    + BenchLine.seconds(r.referenceSeconds()));
            out.println(BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds()));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }
}

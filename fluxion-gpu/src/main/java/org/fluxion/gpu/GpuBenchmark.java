package org.fluxion.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.fluxion.jit.passes.FusedPrograms;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.ops.BinaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The GPU measurements of issue 19, written as {@code key value} lines to the file named by the first
 * argument (and echoed): the device-to-device copy bandwidth, jit's fused 10-op chain on 100M floats as one
 * NVRTC kernel (with {@link GpuFusion.Precision#EXACT} and {@link GpuFusion.Precision#FAST} arithmetic, and a
 * one-multiply program through the same path for the bandwidth the kernel shape reaches; both again for
 * each unroll factor of the float4 kernel), and cuBLAS GEMM 8192³ in float32 and TF32 plus a strided-batched product. Every timing is
 * the median of repeated runs, each between two CUDA events, after warm-up; every result is checked
 * against the CPU before it is timed (outputs poisoned with NaN first).
 */
public final class GpuBenchmark {
    private final CudaDevice gpu;
    private final PrintStream out;

    private GpuBenchmark(CudaDevice gpu, PrintStream out) {
        this.gpu = gpu;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "java-bench.txt");
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true); CudaDevice gpu = CudaDevice.open(0)) {
            GpuBenchmark b = new GpuBenchmark(gpu, out);
            b.put("device", "\"" + gpu + "\"");
            b.put("driver_version", gpu.driverVersion());
            b.put("nvrtc", gpu.nvrtc().version() + " " + gpu.nvrtc().file());
            b.put("cublas", gpu.blas().version() + " " + gpu.blas().file());
            // Each part on its own: one failing must not hide the numbers of the others.
            b.section("elementwise", () -> b.elementwise(100_000_000));
            b.section("gemm", () -> b.gemm(8192));
            b.section("bmm", () -> b.batchedGemm(64, 1024));
        }
    }

    private void section(String name, Work part) {
        try {
            part.run();
        } catch (RuntimeException e) {
            put(name + "_error", "\"" + e.toString().replace('\n', ' ') + "\"");
            e.printStackTrace();
        }
    }

    private void put(String key, Object value) {
        String line = key + " " + value;
        out.println(line);
        System.out.println(line);
    }

    @FunctionalInterface
    private interface Work {
        void run();
    }

    /** Median milliseconds of {@code repeats} runs of {@code work}, each timed with events on the thread's stream. */
    private double medianMillis(Work work, int warmups, int repeats) {
        for (int k = 0; k < warmups; k++) {
            work.run();
        }
        gpu.synchronize();
        double[] ms = new double[repeats];
        try (Event start = gpu.event(); Event end = gpu.event()) {
            for (int k = 0; k < repeats; k++) {
                start.record(gpu.stream());
                work.run();
                end.record(gpu.stream());
                ms[k] = end.elapsedMillisSince(start);
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** The chain of {@code fluxion bench jit-chain} (fluxion-bench's JitChainBench.chain): 10 ops, one fused program. */
    static Tensor chain(Tensor x) {
        return x.mul(1.5).add(0.5).tanh().mul(x).sub(0.25).sigmoid().mul(2).add(x.mul(x).neg().exp());
    }

    private void elementwise(int n) {
        Tensor x = Tensor.randn(42, 1, n);
        float[] host = x.toFloatArray();
        long t0 = System.nanoTime();
        float[] cpu = chain(x).toFloatArray(); // eager CPU reference
        put("chain_cpu_eager_seconds", String.format("%.3f", (System.nanoTime() - t0) / 1e9));
        Jitted<Tensor, Tensor> jitted = Jit.jit(GpuBenchmark::chain);
        List<ElementwiseProgram> programs = FusedPrograms.of(jitted.graph(x));
        put("chain_fused_programs", programs.size());
        if (programs.size() != 1) {
            throw new IllegalStateException("expected jit to fuse the chain into one program, got " + programs);
        }
        ElementwiseProgram program = programs.get(0);
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer in = s.upload(host);
            DeviceBuffer y = s.allocateFloats(n);
            double bytes = 8.0 * n; // read n floats, write n floats
            double copyMs = medianMillis(() -> y.copyFrom(in, 4L * n), 3, 21);
            put("copy_d2d_ms", copyMs);
            put("copy_d2d_GBps", bytes / copyMs / 1e6);
            // One multiply through the same generated-kernel path: what the code shape reaches when arithmetic is free.
            var scale = ElementwiseProgram.builder(DType.FLOAT32);
            int sx = scale.input(DType.FLOAT32, ElementwiseProgram.Access.FULL);
            ElementwiseProgram scaleProgram = scale.build(scale.binary(BinaryOp.MUL, sx, scale.constant(1.5)),
                    ElementwiseProgram.Reduction.NONE);
            GpuFusedKernel scaleKernel = new GpuFusion(gpu).compile(scaleProgram);
            double scaleMs = medianMillis(() -> scaleKernel.run(new DeviceBuffer[] {in}, y, 1, n), 3, 21);
            put("scale_fused_ms", scaleMs);
            put("scale_fused_over_copy_bandwidth", copyMs / scaleMs);
            put("scale_registers", scaleKernel.elementwiseKernel().registersPerThread());
            for (GpuFusion.Precision precision : GpuFusion.Precision.values()) {
                String key = "chain_" + precision.name().toLowerCase();
                long c0 = System.nanoTime();
                GpuFusedKernel kernel = new GpuFusion(gpu, precision).compile(program);
                put(key + "_nvrtc_compile_seconds", String.format("%.3f", (System.nanoTime() - c0) / 1e9));
                put(key + "_vectorized", kernel.vectorized());
                put(key + "_unroll", CudaSource.UNROLL);
                chainRun(key, kernel, in, y, n, cpu, copyMs);
            }
            // The same kernels with 1, 2, 4 and 8 float4 groups per thread and trip (1: the earlier shape's
            // single load in flight, now with __ldg/__stcs), each checked against the CPU before it is timed.
            for (int unroll = 1; unroll <= CudaSource.MAX_UNROLL; unroll *= 2) {
                int u = unroll;
                GpuFusedKernel sk = new GpuFusion(gpu, GpuFusion.Precision.EXACT, u).compile(scaleProgram);
                double ms = medianMillis(() -> sk.run(new DeviceBuffer[] {in}, y, 1, n), 3, 21);
                put("unroll" + u + "_scale_ms", ms);
                put("unroll" + u + "_scale_over_copy_bandwidth", copyMs / ms);
                put("unroll" + u + "_scale_registers", sk.elementwiseKernel().registersPerThread());
                for (GpuFusion.Precision precision : GpuFusion.Precision.values()) {
                    chainRun("unroll" + u + "_chain_" + precision.name().toLowerCase(),
                            new GpuFusion(gpu, precision, u).compile(program), in, y, n, cpu, copyMs);
                }
            }
        }
    }

    /** Checks {@code kernel}'s chain against the CPU's {@code cpu}, then times it; keys prefixed by {@code key}. */
    private void chainRun(String key, GpuFusedKernel kernel, DeviceBuffer in, DeviceBuffer y, int n, float[] cpu, double copyMs) {
        CudaKernel k = kernel.elementwiseKernel();
        put(key + "_registers", k.registersPerThread());
        put(key + "_local_bytes", k.localBytesPerThread());
        put(key + "_blocks_per_sm", k.maxActiveBlocksPerMultiprocessor(CudaSource.BLOCK));
        y.fill(Float.NaN);
        kernel.run(new DeviceBuffer[] {in}, y, 1, n);
        float[] gpuOut = y.toFloats(n);
        double maxAbs = 0;
        double err2 = 0;
        double ref2 = 0;
        int bad = 0;
        for (int k2 = 0; k2 < n; k2++) {
            double d = Math.abs((double) gpuOut[k2] - cpu[k2]);
            if (!(d <= 1e-5 + 1e-5 * Math.abs(cpu[k2]))) {
                bad++;
            }
            maxAbs = Math.max(maxAbs, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            err2 += d * d;
            ref2 += (double) cpu[k2] * cpu[k2];
        }
        put(key + "_check_max_abs_error", maxAbs);
        put(key + "_check_relative_l2_error", Math.sqrt(err2 / ref2));
        put(key + "_check_elements_outside_rtol1e-5_atol1e-5", bad);
        put(key + "_check", bad == 0 ? "PASS" : "FAIL");
        double fusedMs = medianMillis(() -> kernel.run(new DeviceBuffer[] {in}, y, 1, n), 3, 21);
        put(key + "_ms", fusedMs);
        put(key + "_GBps", 8.0 * n / fusedMs / 1e6);
        put(key + "_over_copy_bandwidth", copyMs / fusedMs);
    }

    private static float[] uniform(int n, long seed) {
        float[] a = new float[n];
        int chunks = 64;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom r = new SplittableRandom(seed * 1000 + c);
            int lo = (int) ((long) n * c / chunks);
            int hi = (int) ((long) n * (c + 1) / chunks);
            for (int k = lo; k < hi; k++) {
                a[k] = (float) (2 * r.nextDouble() - 1);
            }
        });
        return a;
    }

    /** ‖C − ref‖ / ‖ref‖ over 512 sampled entries of C = A·B, the reference dot products in double. */
    private static double sampledError(float[] a, float[] b, float[] c, int m, int n, int k, int offA, int offB, int offC) {
        SplittableRandom r = new SplittableRandom(5);
        double err = 0;
        double ref = 0;
        for (int s = 0; s < 512; s++) {
            int i = r.nextInt(m);
            int j = r.nextInt(n);
            double dot = 0;
            for (int p = 0; p < k; p++) {
                dot += (double) a[offA + i * k + p] * b[offB + p * n + j];
            }
            double d = c[offC + i * n + j] - dot;
            err += d * d;
            ref += dot * dot;
        }
        return Math.sqrt(err / ref);
    }

    private void gemm(int size) {
        int m = size, n = size, k = size;
        float[] a = uniform(m * k, 1);
        float[] b = uniform(k * n, 2);
        double flops = 2.0 * m * n * k;
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer da = s.upload(a);
            DeviceBuffer db = s.upload(b);
            DeviceBuffer dc = s.allocateFloats((long) m * n);
            for (Blas.Precision p : Blas.Precision.values()) {
                String key = "gemm" + size + "_" + p.name().toLowerCase();
                dc.fill(Float.NaN);
                gpu.blas().matmul(p, da, db, dc, m, n, k);
                double e = sampledError(a, b, dc.toFloats(m * n), m, n, k, 0, 0, 0);
                double tolerance = p == Blas.Precision.TF32 ? 5e-3 : 1e-5;
                put(key + "_check_relative_error", e);
                put(key + "_check", e < tolerance ? "PASS" : "FAIL (tolerance " + tolerance + ")");
                double ms = medianMillis(() -> gpu.blas().matmul(p, da, db, dc, m, n, k), 3, 15);
                put(key + "_ms", ms);
                put(key + "_TFLOPs", flops / ms / 1e9);
            }
        }
    }

    private void batchedGemm(int batch, int size) {
        int m = size, n = size, k = size;
        float[] a = uniform(batch * m * k, 3);
        float[] b = uniform(batch * k * n, 4);
        double flops = 2.0 * batch * m * n * k;
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer da = s.upload(a);
            DeviceBuffer db = s.upload(b);
            DeviceBuffer dc = s.allocateFloats((long) batch * m * n);
            for (Blas.Precision p : Blas.Precision.values()) {
                String key = "bmm" + batch + "x" + size + "_" + p.name().toLowerCase();
                dc.fill(Float.NaN);
                gpu.blas().matmulBatched(p, da, db, dc, batch, m, n, k);
                float[] c = dc.toFloats(batch * m * n);
                int last = batch - 1;
                double e = Math.max(sampledError(a, b, c, m, n, k, 0, 0, 0),
                        sampledError(a, b, c, m, n, k, last * m * k, last * k * n, last * m * n));
                double tolerance = p == Blas.Precision.TF32 ? 5e-3 : 1e-5;
                put(key + "_check_relative_error", e);
                put(key + "_check", e < tolerance ? "PASS" : "FAIL (tolerance " + tolerance + ")");
                double ms = medianMillis(() -> gpu.blas().matmulBatched(p, da, db, dc, batch, m, n, k), 3, 15);
                put(key + "_ms", ms);
                put(key + "_TFLOPs", flops / ms / 1e9);
            }
        }
    }
}

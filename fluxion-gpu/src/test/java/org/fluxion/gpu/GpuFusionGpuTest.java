package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.jit.passes.FusedPrograms;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.jit.codegen.FusionCompiler;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * NVRTC-compiled fused programs against the CPU reference ({@link FusionCompiler#interpreter}): every
 * elementwise operation on random and special values, every access pattern and reduction, and the program
 * that {@code jit}'s fusion pass builds for a 10-op chain (GPU; skipped without one).
 */
class GpuFusionGpuTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f,
        0.5f, 2f, 1e-30f, -1e-30f, 1e30f, 88.5f, -104f, 3.1415927f, Float.MIN_VALUE};

    private static GpuFusion fusion;

    private static synchronized GpuFusion fusion() {
        CudaDevice gpu = Gpu.device();
        if (fusion == null) {
            fusion = new GpuFusion(gpu);
        }
        return fusion;
    }

    private static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int k = 0; k < n; k++) {
            a[k] = k < SPECIAL.length * SPECIAL.length ? SPECIAL[(int) ((k * 7 + seed) % SPECIAL.length)] : (float) (3 * r.nextGaussian());
        }
        return a;
    }

    /** Same value, or within {@code ulps} units in the last place of the reference (NaN matches NaN). */
    private static void assertClose(String what, float[] expected, float[] actual, int ulps, float[]... inputs) {
        for (int k = 0; k < expected.length; k++) {
            float e = expected[k];
            float a = actual[k];
            boolean ok = Float.compare(e, a) == 0 || (Float.isNaN(e) && Float.isNaN(a))
                    || (Float.isFinite(e) && Math.abs(e - a) <= ulps * Math.ulp(e)) || (e == 0 && a == 0);
            if (!ok) {
                StringBuilder in = new StringBuilder();
                for (float[] x : inputs) {
                    in.append(' ').append(x[k % x.length]);
                }
                fail(what + ": element " + k + " (inputs" + in + "): CPU " + e + ", GPU " + a);
            }
        }
    }

    private static float[] runGpu(ElementwiseProgram p, Object[] inputs, int outer, int inner, int outLength) {
        CudaDevice gpu = Gpu.device();
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer[] in = new DeviceBuffer[inputs.length];
            for (int j = 0; j < inputs.length; j++) {
                if (inputs[j] instanceof float[] f) {
                    in[j] = s.upload(f);
                } else {
                    boolean[] b = (boolean[]) inputs[j];
                    in[j] = s.own(gpu.allocate(Math.max(1, b.length)));
                    in[j].copyFrom(b);
                }
            }
            DeviceBuffer out = s.allocateFloats(outLength);
            out.fill(Float.NaN);
            fusion().compile(p).run(in, out, outer, inner);
            return out.toFloats(outLength);
        }
    }

    private static float[] runCpu(ElementwiseProgram p, Object[] inputs, int outer, int inner, int outLength) {
        float[] out = new float[outLength];
        FusionCompiler.interpreter(p).run(inputs, new int[inputs.length], out, 0, outer, inner);
        return out;
    }

    @Test
    void everyUnaryOperationMatchesTheCpu() {
        int n = 5000;
        float[] x = values(n, 1);
        for (UnaryOp op : UnaryOp.values()) {
            var b = ElementwiseProgram.builder(DType.FLOAT32);
            int in = b.input(DType.FLOAT32, Access.FULL);
            int u = b.unary(op, in);
            ElementwiseProgram p = b.build(isMask(op) ? b.toFloat(u) : u, Reduction.NONE);
            Object[] inputs = {x};
            // CUDA's float functions are within 2 ulp (sin/cos/tan 2, tanh 2, log1p/expm1 1, exp 2); the CPU rounds once.
            assertClose(op.toString(), runCpu(p, inputs, 1, n, n), runGpu(p, inputs, 1, n, n), 4, x);
        }
    }

    private static boolean isMask(UnaryOp op) {
        return op == UnaryOp.IS_NAN || op == UnaryOp.IS_FINITE || op == UnaryOp.LOGICAL_NOT;
    }

    @Test
    void everyBinaryOperationMatchesTheCpu() {
        int n = 5000;
        float[] x = values(n, 2);
        float[] y = values(n, 3);
        for (BinaryOp op : BinaryOp.values()) {
            var b = ElementwiseProgram.builder(DType.FLOAT32);
            int i = b.input(DType.FLOAT32, Access.FULL);
            int j = b.input(DType.FLOAT32, Access.FULL);
            int r = b.binary(op, i, j);
            boolean mask = switch (op) {
                case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR -> true;
                default -> false;
            };
            ElementwiseProgram p = b.build(mask ? b.toFloat(r) : r, Reduction.NONE);
            Object[] inputs = {x, y};
            assertClose(op.toString(), runCpu(p, inputs, 1, n, n), runGpu(p, inputs, 1, n, n), op == BinaryOp.POW ? 8 : 0, x, y);
        }
    }

    /** {@code where(mask_row, (x + col) * s, -x)} with every access pattern, under every reduction. */
    @Test
    void broadcastsMasksAndEveryReductionMatchTheCpu() {
        int outer = 37, inner = 1001;
        Random r = new Random(4);
        float[] x = values(outer * inner, 5);
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextGaussian(); // finite, so that sums compare by value
        }
        float[] col = values(outer, 6);
        for (int k = 0; k < col.length; k++) {
            col[k] = (float) r.nextGaussian();
        }
        boolean[] keep = new boolean[inner];
        for (int k = 0; k < inner; k++) {
            keep[k] = r.nextBoolean();
        }
        float[] scale = {1.75f};
        for (Reduction red : Reduction.values()) {
            var b = ElementwiseProgram.builder(DType.FLOAT32);
            int xi = b.input(DType.FLOAT32, Access.FULL);
            int ci = b.input(DType.FLOAT32, Access.COLUMN);
            int mi = b.input(DType.BOOL, Access.ROW);
            int si = b.input(DType.FLOAT32, Access.SCALAR);
            int v = b.where(mi, b.binary(BinaryOp.MUL, b.binary(BinaryOp.ADD, xi, ci), si), b.unary(UnaryOp.NEG, xi));
            ElementwiseProgram p = b.build(v, red);
            Object[] inputs = {x, col, keep, scale};
            int outLength = red == Reduction.NONE ? outer * inner : red.perRow() ? outer : 1;
            float[] cpu = runCpu(p, inputs, outer, inner, outLength);
            float[] gpu = runGpu(p, inputs, outer, inner, outLength);
            // Sums: both accumulate in double and round once, in different orders.
            assertClose(red.toString(), cpu, gpu, red.sum() ? 2 : 0, x);
        }
    }

    @Test
    void emptyRowsReduceToTheIdentity() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        ElementwiseProgram p = b.build(x, Reduction.MAX_INNER);
        assertEquals(Float.NEGATIVE_INFINITY, runGpu(p, new Object[] {new float[1]}, 3, 0, 3)[2]);
    }

    /** The chain of {@code fluxion bench jit-chain}; an odd length exercises the float4 kernel's tail. */
    static Tensor chain(Tensor x) {
        return x.mul(1.5).add(0.5).tanh().mul(x).sub(0.25).sigmoid().mul(2).add(x.mul(x).neg().exp());
    }

    @Test
    void jitsFusedChainRunsOnTheGpu() {
        int n = 100_003;
        Tensor x = Tensor.randn(11, 1, n);
        Function<Tensor, Tensor> f = GpuFusionGpuTest::chain;
        Jitted<Tensor, Tensor> jitted = Jit.jit(f);
        List<ElementwiseProgram> programs = FusedPrograms.of(jitted.graph(x));
        assertEquals(1, programs.size(), "jit should fuse the chain into one program: " + jitted.graph(x));
        GpuFusedKernel k = fusion().compile(programs.get(0));
        assertTrue(k.vectorized(), "a dense float32 chain runs with float4 accesses");
        float[] host = x.toFloatArray();
        float[] gpu;
        try (DeviceScope s = new DeviceScope(Gpu.device())) {
            DeviceBuffer out = s.allocateFloats(n);
            out.fill(Float.NaN);
            k.run(new DeviceBuffer[] {s.upload(host)}, out, 1, n);
            gpu = out.toFloats(n);
        }
        assertClose("jit chain", jitted.apply(x).toFloatArray(), gpu, 8, host);
        int cached = fusion().cachedPrograms();
        fusion().compile(FusedPrograms.of(Jit.jit(f).graph(x)).get(0));
        assertEquals(cached, fusion().cachedPrograms(), "an equal program is compiled once");
    }

    @Test
    void fastMathChainStaysWithinFloat32Tolerance() {
        int n = 100_003;
        Tensor x = Tensor.randn(12, 1, n);
        ElementwiseProgram p = FusedPrograms.of(Jit.jit(GpuFusionGpuTest::chain).graph(x)).get(0);
        GpuFusedKernel k = new GpuFusion(Gpu.device(), GpuFusion.Precision.FAST).compile(p);
        float[] host = x.toFloatArray();
        float[] cpu = chain(x).toFloatArray();
        float[] gpu;
        try (DeviceScope s = new DeviceScope(Gpu.device())) {
            DeviceBuffer out = s.allocateFloats(n);
            out.fill(Float.NaN);
            k.run(new DeviceBuffer[] {s.upload(host)}, out, 1, n);
            gpu = out.toFloats(n);
        }
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(gpu[i] - cpu[i]) <= 1e-5 + 1e-5 * Math.abs(cpu[i]),
                    "element " + i + " (x = " + host[i] + "): CPU " + cpu[i] + ", GPU fast math " + gpu[i]);
        }
    }

    /**
     * The float4 kernel at every unroll factor, over lengths that leave it work in each of its three loops
     * (unrolled trips, single float4 groups, the last {@code n % 4} elements) and one longer than a wave:
     * each element written once, exactly as the CPU computes it (x * y + s, each rounded: --fmad=false),
     * and nothing past the end.
     */
    @Test
    void everyUnrollWritesEachElementOnceAndNothingPastTheEnd() {
        CudaDevice gpu = Gpu.device();
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int y = b.input(DType.FLOAT32, Access.FULL);
        int c = b.input(DType.FLOAT32, Access.SCALAR);
        ElementwiseProgram p = b.build(b.binary(BinaryOp.ADD, b.binary(BinaryOp.MUL, x, y), c), Reduction.NONE);
        // Elements one full wave of the widest unroll covers in one trip (at most 8 blocks of 256 per SM).
        int wave = 4 * CudaSource.MAX_UNROLL * 256 * 8 * gpu.multiprocessors();
        int[] unrolls = {1, 2, 4, 8};
        GpuFusedKernel[] kernels = new GpuFusedKernel[unrolls.length];
        for (int u = 0; u < unrolls.length; u++) {
            kernels[u] = new GpuFusion(gpu, GpuFusion.Precision.EXACT, unrolls[u]).compile(p);
            assertTrue(kernels[u].vectorized(), "two dense inputs and a scalar take the float4 kernel");
            assertEquals(unrolls[u] > 1, kernels[u].source().contains("q + " + (unrolls[u] - 1) + " * stride < n4"),
                    kernels[u].source());
        }
        for (int n : new int[] {1, 3, 5, 4096 + 3, 4 * 1025 * 4 + 4 * 13 + 1, wave + 4 * 7 + 2}) {
            float[] hx = values(n, n);
            float[] hy = values(n, n + 1);
            float[] hc = {0.75f};
            for (int u = 0; u < unrolls.length; u++) {
                try (DeviceScope s = new DeviceScope(gpu)) {
                    DeviceBuffer out = s.allocateFloats(n + 4);
                    out.fill(Float.NaN);
                    kernels[u].run(new DeviceBuffer[] {s.upload(hx), s.upload(hy), s.upload(hc)}, out, 1, n);
                    float[] got = out.toFloats(n + 4);
                    for (int q = 0; q < n; q++) {
                        float want = hx[q] * hy[q] + hc[0];
                        if (Float.compare(want, got[q]) != 0 && !(want == 0 && got[q] == 0)) {
                            fail("unroll " + unrolls[u] + ", n " + n + ", element " + q + ": CPU " + want + ", GPU " + got[q]);
                        }
                    }
                    for (int q = n; q < n + 4; q++) {
                        assertTrue(Float.isNaN(got[q]), "unroll " + unrolls[u] + ", n " + n + ": element " + q + " past the end written");
                    }
                }
            }
        }
    }

    @Test
    void aCompileErrorCarriesTheLog() {
        CudaDevice gpu = Gpu.device();
        var e = org.junit.jupiter.api.Assertions.assertThrows(CudaException.class,
                () -> gpu.nvrtc().compile("extern \"C\" __global__ void k() { undeclared = 1; }", "bad.cu",
                        gpu.computeCapability(), List.of()));
        assertTrue(e.getMessage().contains("undeclared") && e.getMessage().contains("compiler log"), e.getMessage());
    }
}

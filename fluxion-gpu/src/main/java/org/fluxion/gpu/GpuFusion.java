package org.fluxion.gpu;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fluxion.jit.codegen.ElementwiseProgram;

/**
 * Compiles {@code jit}'s fused {@link ElementwiseProgram}s to GPU kernels: {@link CudaSource} writes the
 * CUDA C, NVRTC compiles it for the device's own architecture ({@code sm_XY}, so the driver loads machine
 * code and no PTX is compiled at load time), and the module is cached by its source text, so a program
 * traced again, or an equal program from another graph, is compiled once per device.
 *
 * <p>By default ({@link Precision#EXACT}) NVRTC is run with {@code --fmad=false}: the eager kernels round
 * {@code a * b} before adding {@code c}, and a fused multiply-add would not.
 */
public final class GpuFusion {
    /** How closely the GPU must reproduce the CPU's float arithmetic. */
    public enum Precision {
        /**
         * Each operation rounded as on the CPU, no contraction into fused multiply-adds, CUDA's accurate
         * library functions (within 2 ulp of the correctly rounded value): results within a few ulp of the
         * CPU's. The default.
         */
        EXACT(List.of("--fmad=false", "--std=c++17")),
        /**
         * NVRTC's {@code --use_fast_math}: hardware approximations of exp, log, sin, cos, division and
         * square root, fused multiply-adds, subnormals flushed to zero. Only for callers who accept errors
         * of about 1e-6 relative (more for large arguments of exp and the trigonometric functions), as
         * PyTorch's compiled kernels do.
         */
        FAST(List.of("--use_fast_math", "--std=c++17"));

        final List<String> options;

        Precision(List<String> options) {
            this.options = options;
        }
    }

    private final CudaDevice device;
    private final Precision precision;
    private final int unroll;
    private final Map<String, GpuFusedKernel> cache = new ConcurrentHashMap<>();

    /** Kernels for {@code device} with {@link Precision#EXACT} arithmetic. */
    public GpuFusion(CudaDevice device) {
        this(device, Precision.EXACT);
    }

    public GpuFusion(CudaDevice device, Precision precision) {
        this(device, precision, CudaSource.UNROLL);
    }

    /** With {@code unroll} float4 groups per thread and trip in the vectorized kernel (measurements compare them). */
    GpuFusion(CudaDevice device, Precision precision, int unroll) {
        this.device = device;
        this.precision = precision;
        this.unroll = unroll;
    }

    /** The kernel of {@code program}, compiled on first use. */
    public GpuFusedKernel compile(ElementwiseProgram program) {
        String source = CudaSource.generate(program, unroll);
        return cache.computeIfAbsent(source, s -> {
            Nvrtc.Compiled c = device.nvrtc().compile(s, "fluxion_fused.cu", device.computeCapability(), precision.options);
            return new GpuFusedKernel(device, program, s, device.load(c.image(), "fused program"), unroll);
        });
    }

    /** Number of distinct programs compiled so far. */
    public int cachedPrograms() {
        return cache.size();
    }
}

package org.fluxion.gpu;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fluxion.jit.codegen.CudaSource;
import org.fluxion.jit.codegen.ElementwiseProgram;

/**
 * Compiles {@code jit}'s fused {@link ElementwiseProgram}s to GPU kernels: {@link CudaSource} writes the
 * CUDA C, NVRTC compiles it for the device's own architecture ({@code sm_XY}, so the driver loads machine
 * code and no PTX is compiled at load time), and the module is cached by its source text, so a program
 * traced again, or an equal program from another graph, is compiled once per device.
 *
 * <p>NVRTC is run with {@code --fmad=false}: the eager kernels round {@code a * b} before adding
 * {@code c}, and a fused multiply-add would not.
 */
public final class GpuFusion {
    /** The NVRTC options every fused program is compiled with (besides the architecture). */
    public static final List<String> OPTIONS = List.of("--fmad=false", "--std=c++17");

    private final CudaDevice device;
    private final Map<String, GpuFusedKernel> cache = new ConcurrentHashMap<>();

    public GpuFusion(CudaDevice device) {
        this.device = device;
    }

    /** The kernel of {@code program}, compiled on first use. */
    public GpuFusedKernel compile(ElementwiseProgram program) {
        String source = CudaSource.generate(program);
        return cache.computeIfAbsent(source, s -> {
            Nvrtc.Compiled c = device.nvrtc().compile(s, "fluxion_fused.cu", device.computeCapability(), OPTIONS);
            return new GpuFusedKernel(device, program, s, device.load(c.image(), "fused program"));
        });
    }

    /** Number of distinct programs compiled so far. */
    public int cachedPrograms() {
        return cache.size();
    }
}

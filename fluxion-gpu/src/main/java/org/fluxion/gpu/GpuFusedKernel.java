package org.fluxion.gpu;

import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.tensor.DType;

/**
 * A fused elementwise program compiled for one GPU ({@link GpuFusion#compile}). {@link #run} has the
 * meaning of {@link org.fluxion.jit.codegen.FusedKernel#run} with device buffers instead of arrays and no
 * offsets: input {@code j} holds its elements from the start of its buffer (float32/float64 by the
 * program's dtype, bytes 0 / 1 for a mask), and the output is written from the start of its buffer.
 */
public final class GpuFusedKernel {
    private static final int THREADS = CudaSource.BLOCK; // the vectorized kernel is compiled with __launch_bounds__(BLOCK)

    private final CudaDevice device;
    private final ElementwiseProgram program;
    private final String source;
    private final CudaKernel main;
    private final CudaKernel vec4;
    private final CudaKernel fold;
    private final int mainBlocks;
    private final int vec4Blocks;
    private final int unroll;
    private final ThreadLocal<DeviceBuffer> partials = new ThreadLocal<>();

    GpuFusedKernel(CudaDevice device, ElementwiseProgram program, String source, CudaModule module, int unroll) {
        this.device = device;
        this.unroll = unroll;
        this.program = program;
        this.source = source;
        Reduction r = program.reduction();
        this.main = module.kernel(r == Reduction.NONE ? CudaSource.ELEMENTWISE : r.perRow() ? CudaSource.ROWS : CudaSource.PARTIALS);
        this.vec4 = CudaSource.hasVec4(program) ? module.kernel(CudaSource.ELEMENTWISE_VEC4) : null;
        this.fold = r.all() ? module.kernel(CudaSource.FOLD) : null;
        // One wave: as many blocks as the device holds at once, each striding over the data, so that no SM
        // idles in a last partial wave (measured on an H200: a fixed 16 blocks per SM left the chain at 0.65x
        // of the copy bandwidth).
        this.mainBlocks = device.multiprocessors() * Math.max(1, main.maxActiveBlocksPerMultiprocessor(THREADS));
        this.vec4Blocks = vec4 == null ? 0 : device.multiprocessors() * Math.max(1, vec4.maxActiveBlocksPerMultiprocessor(THREADS));
    }

    /** The CUDA C this kernel was compiled from. */
    public String source() {
        return source;
    }

    /** The kernel that {@link #run} launches for a program without reduction: the float4 one where there is one. */
    CudaKernel elementwiseKernel() {
        return vec4 != null ? vec4 : main;
    }

    /** True when dense float32 programs run with 16-byte vector accesses. */
    public boolean vectorized() {
        return vec4 != null;
    }

    private long elementBytes(DType t) {
        return switch (t) {
            case FLOAT32 -> 4;
            case FLOAT64 -> 8;
            case BOOL -> 1;
            default -> throw new AssertionError(t);
        };
    }

    private void checkBuffer(String what, DeviceBuffer b, DType type, long elements) {
        long need = elements * elementBytes(type);
        if (b.bytes() < need) {
            throw new IllegalArgumentException("fused GPU kernel: " + what + " needs " + elements + " " + type.label()
                    + " elements (" + need + " bytes) but its device buffer has " + b.bytes() + " bytes");
        }
    }

    /** Queues the program over {@code [outer, inner]} on the calling thread's stream. */
    public void run(DeviceBuffer[] inputs, DeviceBuffer output, int outer, int inner) {
        if (outer < 0 || inner < 0) {
            throw new IllegalArgumentException("fused GPU kernel: negative iteration space [" + outer + ", " + inner + "]");
        }
        int m = program.inputCount();
        if (inputs.length != m) {
            throw new IllegalArgumentException("fused GPU kernel: the program has " + m + " inputs, got " + inputs.length);
        }
        long n = (long) outer * inner;
        for (int j = 0; j < m; j++) {
            long need = switch (program.inputAccess(j)) {
                case FULL -> n;
                case ROW -> outer == 0 ? 0 : inner;
                case COLUMN -> inner == 0 ? 0 : outer;
                case SCALAR -> n == 0 ? 0 : 1;
            };
            checkBuffer("input " + j + " (" + program.inputAccess(j) + ")", inputs[j], program.inputType(j), need);
        }
        Reduction r = program.reduction();
        checkBuffer("output", output, program.outputType(), r == Reduction.NONE ? n : r.perRow() ? outer : 1);
        Stream s = device.stream();
        Object[] args = new Object[m + 3];
        System.arraycopy(inputs, 0, args, 0, m);
        args[m + 1] = (long) outer;
        args[m + 2] = (long) inner;
        switch (r) {
            case NONE -> {
                if (n == 0) {
                    return;
                }
                args[m] = output;
                if (vec4 != null) {
                    // A thread takes `unroll` float4 groups per trip: size the grid by the trips, capped at one wave.
                    long groups = (n + 3) / 4;
                    vec4.launch(s, blocks((groups + unroll - 1) / unroll, vec4Blocks), THREADS, 0, args);
                } else {
                    main.launch(s, blocks(n, mainBlocks), THREADS, 0, args);
                }
            }
            case SUM_INNER, MAX_INNER -> {
                if (outer == 0) {
                    return;
                }
                args[m] = output;
                main.launch(s, outer, CudaSource.BLOCK, 0, args);
            }
            case SUM_ALL, MAX_ALL -> {
                int blocks = blocks(n, mainBlocks);
                DeviceBuffer p = partials(blocks);
                args[m] = p;
                main.launch(s, blocks, CudaSource.BLOCK, 0, args);
                fold.launch(s, 1, CudaSource.BLOCK, 0, p, blocks, output);
            }
        }
    }

    private static int blocks(long work, int max) {
        return (int) Math.max(1, Math.min(max, (work + THREADS - 1) / THREADS));
    }

    /**
     * A scratch buffer of per-block partial results, one per thread (launches on one thread's stream are
     * ordered, so a thread can reuse its own; two threads must not share one).
     */
    private DeviceBuffer partials(int blocks) {
        DeviceBuffer p = partials.get();
        if (p == null || p.isFreed()) {
            p = device.allocate(8L * Math.max(blocks, mainBlocks));
            partials.set(p);
        }
        return p;
    }
}

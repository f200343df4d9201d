package org.fluxion.jit.codegen;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fluxion.kernels.Vectorization;

/**
 * Compiles {@link ElementwiseProgram}s to {@link FusedKernel}s.
 *
 * <p>{@link #compile} generates bytecode for each program ({@link BytecodeGenerator}: one hidden class
 * with a fused Vector API loop) and runs it over tiles in parallel ({@link TiledKernel}); kernels are cached
 * per program (structural equality), so tracing the same program twice compiles it once. The cache holds
 * its kernels weakly: a kernel lives as long as a compiled plan uses it, and its hidden class is unloaded
 * once the plans are dropped (programs inline constants, so a process compiling ever new constants would
 * otherwise keep every class it generated).
 * {@link #interpreter} is the scalar double-precision reference.
 *
 * <p>Performance notes (measured on AVX-512, float32):
 * <ul>
 *   <li>A generated kernel is as fast as the same loop written by hand with the Vector API; it was also
 *       measured against interpreting a tree of per-operation vector loops over 1K-element scratch blocks
 *       (the test class {@code ComposedKernel}), which is about 1.2-1.4x slower.</li>
 *   <li>Each program's class warms up on its own: until C2 has compiled it (about a second of calls on
 *       100K elements, or some thousands of calls on small ones) the Vector API runs unintrinsified, far
 *       slower than the eager kernels, which are shared by all programs and warm up once.</li>
 *   <li>Up to about 40 instructions C2 inlines every helper and keeps all vectors in registers; beyond
 *       that its inlining cutoff leaves some helpers out of line and boxes their vectors: still correct, at
 *       about twice the cost per operation (close to eager). The fusion pass should cap groups there.</li>
 * </ul>
 */
public final class FusionCompiler {
    private static final Map<ElementwiseProgram, KernelRef> CACHE = new ConcurrentHashMap<>();
    /** Where the references of collected kernels arrive, to remove their entries. */
    private static final ReferenceQueue<FusedKernel> COLLECTED = new ReferenceQueue<>();

    private static final class KernelRef extends WeakReference<FusedKernel> {
        final ElementwiseProgram program;

        KernelRef(ElementwiseProgram program, FusedKernel kernel) {
            super(kernel, COLLECTED);
            this.program = program;
        }
    }

    private FusionCompiler() {
    }

    /**
     * The fused vector kernel of {@code p}, generated on first use and cached; without the Vector API
     * ({@link Vectorization}), the {@link #interpreter} (correct, slower).
     */
    public static FusedKernel compile(ElementwiseProgram p) {
        expungeCollected();
        FusedKernel[] kernel = new FusedKernel[1]; // strongly held until returned
        CACHE.compute(p, (q, ref) -> {
            kernel[0] = ref == null ? null : ref.get();
            if (kernel[0] != null) {
                return ref;
            }
            // Generated kernels are Vector API loops; without the module the reference interpreter runs.
            kernel[0] = Vectorization.ENABLED ? new TiledKernel(q, BytecodeGenerator.generate(q)) : new Interpreter(q);
            return new KernelRef(q, kernel[0]);
        });
        return kernel[0];
    }

    private static void expungeCollected() {
        for (Reference<? extends FusedKernel> r; (r = COLLECTED.poll()) != null; ) {
            CACHE.remove(((KernelRef) r).program, r);
        }
    }

    /** The plain scalar reference kernel of {@code p}: one element at a time in double precision, serial. */
    public static FusedKernel interpreter(ElementwiseProgram p) {
        return new Interpreter(p);
    }

    /** Number of programs whose kernels are cached (in use by some plan, or not yet collected). */
    public static int cachedPrograms() {
        expungeCollected();
        return CACHE.size();
    }
}

package org.fluxion.jit.codegen;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles {@link ElementwiseProgram}s to {@link FusedKernel}s.
 *
 * <p>{@link #compile} generates bytecode for each program ({@link BytecodeGenerator}: one hidden class
 * with a fused Vector API loop) and runs it over tiles in parallel ({@link TiledKernel}); kernels are cached
 * per program (structural equality), so tracing the same program twice compiles it once.
 * {@link #interpreter} is the scalar double-precision reference.
 */
public final class FusionCompiler {
    private static final Map<ElementwiseProgram, FusedKernel> CACHE = new ConcurrentHashMap<>();

    private FusionCompiler() {
    }

    /** The fused vector kernel of {@code p}, generated on first use and cached. */
    public static FusedKernel compile(ElementwiseProgram p) {
        return CACHE.computeIfAbsent(p, q -> new TiledKernel(q, BytecodeGenerator.generate(q)));
    }

    /** The plain scalar reference kernel of {@code p}: one element at a time in double precision, serial. */
    public static FusedKernel interpreter(ElementwiseProgram p) {
        return new Interpreter(p);
    }

    /** Number of programs compiled so far (for tests and diagnostics). */
    public static int cachedPrograms() {
        return CACHE.size();
    }
}

package org.fluxion.jit;

import java.util.function.Function;
import org.fluxion.jit.ir.Graph;

/**
 * Tracing compilation, JAX's {@code jit}: {@code jit(f)} runs {@code f} once per input signature on
 * abstract tensors (shape and dtype, no values), records the primitives it applies as a {@link Graph},
 * optimizes the graph (dead code, common subexpressions, constant folding, algebraic simplification,
 * fusion of elementwise chains and trailing reductions into generated kernels, buffer reuse) and runs
 * the compiled plan on every later call with that signature.
 *
 * <p><b>What tracing sees.</b> Only tensor operations are recorded. Java code around them runs once, at
 * trace time: a Java {@code if} or loop on a tensor's <em>value</em> cannot be traced and raises
 * {@link org.fluxion.tensor.ConcretizationException} (use {@link org.fluxion.transforms.Control#cond},
 * {@link org.fluxion.transforms.Control#whileLoop}, {@link org.fluxion.transforms.Control#fori} or
 * {@link org.fluxion.transforms.Control#scan}); Java side effects (printing, counters, random numbers
 * drawn in Java) happen once, at trace time. Tensors the function captures rather than takes as
 * arguments are <em>constants</em> of the compiled plan (pass parameters that change, such as weights
 * being trained, as arguments). In-place writes ({@code addInPlace}, {@code copyFrom}, ...) inside a
 * traced function are rejected: return new values instead.
 */
public final class Jit {
    private Jit() {
    }

    /**
     * How many signatures' plans a jitted function keeps by default: enough for the shapes of a training
     * run and its evaluation, few enough that a function called with ever new shapes does not hold every
     * plan's buffers (the least recently used plan is evicted and compiled again if needed).
     */
    public static final int DEFAULT_CACHE_SIZE = 64;

    /** {@code f} compiled: a function of a tensor or a tree of tensors (lists, maps, records) to the same. */
    public static <T, R> Jitted<T, R> jit(Function<T, R> f) {
        return new Jitted<>(f, DEFAULT_CACHE_SIZE);
    }

    /**
     * {@code f} compiled, keeping the plans of at most {@code cacheSize} signatures (least recently used
     * evicted first; {@code >= 1}).
     */
    public static <T, R> Jitted<T, R> jit(Function<T, R> f, int cacheSize) {
        return new Jitted<>(f, cacheSize);
    }

    /** The graph {@code f} traces to on arguments like {@code example}, before optimization (make_jaxpr). */
    public static <T, R> Graph makeGraph(Function<T, R> f, T example) {
        return new Jitted<>(f, 1).tracedGraph(example);
    }
}

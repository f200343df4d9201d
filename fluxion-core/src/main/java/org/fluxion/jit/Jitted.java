package org.fluxion.jit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.jit.exec.Plan;
import org.fluxion.jit.exec.PlanCache;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Printer;
import org.fluxion.jit.ir.Trace;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.jit.ir.Value;
import org.fluxion.jit.passes.Passes;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * A function compiled by {@link Jit#jit}: on each call it looks up the plan for the arguments' signature
 * (tree structure, shapes and dtypes), tracing and compiling {@code f} on a miss, and runs it.
 *
 * <p>When an argument takes part in differentiation (requires grad, is recorded, or carries a tangent),
 * {@code f} runs as eager code under autodiff instead, so that {@code grad(jit(f))}, {@code jvp} and
 * higher orders see every primitive and every custom rule, with the same results; {@code jit(grad(f))} is
 * the compiled form of a gradient. Inside another trace the function is inlined.
 *
 * <p><b>Memory.</b> The plans (with the buffers they recycle) are cached per signature, the least recently
 * used evicted beyond a bound ({@link Jit#DEFAULT_CACHE_SIZE}, or the one given to
 * {@link Jit#jit(Function, int)}); everything compiled belongs to this object and is freed with it.
 * Calls from several threads at once are safe.
 *
 * @param <T> the argument: a tensor or a tree of tensors (lists, maps, records)
 * @param <R> the result: a tensor or a tree of tensors
 */
public final class Jitted<T, R> implements Function<T, R> {
    private final Function<T, R> f;
    private final int cacheSize;
    private final Function<T, ?> donated;
    private final PlanCache<Signature, Compiled> cache;
    private volatile long lastTraceNanos;
    private volatile long lastCompileNanos;

    /**
     * The latest signature looked up and its plan: a call with the same signature as the one before (a solver's
     * stages, a training loop's steps) skips the cache's hashing and lock. It is the cache's most recently used
     * entry, so it never outlives the cache's bound.
     */
    private volatile Recent recent;

    /** What a compiled plan depends on: the arguments' structure, each leaf's type, which leaves are donated. */
    record Signature(TreeDef def, List<TensorType> types, List<Boolean> donated) {
        /** Whether this is the signature of {@code leaves} in a tree {@code def}, donated as flagged. */
        boolean matches(TreeDef def, List<Tensor> leaves, boolean[] donated) {
            if (leaves.size() != types.size()) {
                return false;
            }
            for (int i = 0; i < leaves.size(); i++) {
                if (!leaves.get(i).type().equals(types.get(i))
                        || this.donated.get(i) != (donated != null && donated[i])) {
                    return false;
                }
            }
            return def == this.def || def.equals(this.def);
        }
    }

    private record Recent(Signature signature, Compiled compiled) {
    }

    /** The stages of one compilation, kept for inspection and benchmarks. */
    record Compiled(Graph traced, Graph optimized, Graph fused, Plan plan, TreeDef resultDef, long traceNanos,
                    long compileNanos) {
    }

    Jitted(Function<T, R> f, int cacheSize) {
        this(f, cacheSize, null);
    }

    private Jitted(Function<T, R> f, int cacheSize, Function<T, ?> donated) {
        this.f = f;
        this.cacheSize = cacheSize;
        this.donated = donated;
        this.cache = new PlanCache<>(cacheSize);
    }

    /**
     * This function compiled with the leaves of {@code part(args)} donated (JAX's {@code donate_argnums}): the
     * caller gives their storages up, and the plan writes results into them once they are no longer read, so a
     * training step updates parameters and optimizer state where they are instead of allocating new ones. After
     * a call the donated tensors hold arbitrary values; use the results. A leaf is donated only when it is the
     * whole of its storage and no other argument shares it; the others are read as usual.
     *
     * @param part selects the donated subtree of the arguments, e.g. {@code in -> in.state()}
     */
    public Jitted<T, R> donating(Function<T, ?> part) {
        return new Jitted<>(f, cacheSize, part);
    }

    @Override
    public R apply(T args) {
        return applyInto(args, List.of());
    }

    /**
     * {@link #apply}, writing each result into the storage of the tensor at its place in {@code into} (the results'
     * leaves in depth-first order) where the step computing it writes into buffers, as PyTorch's {@code out=}: a
     * caller that is done with earlier results gives their storages back instead of the plan allocating new ones.
     * An entry may be null (none); one that is not must have its result's type. It is used when it is the whole of
     * its storage and that storage is no argument's and no other entry's (else the result gets a new one); the
     * results then share those storages, whose old values are lost. Ignored where {@code apply} does not run a plan
     * (inside a trace, or under differentiation).
     *
     * @throws IllegalArgumentException when {@code into} has more entries than there are results, or an entry's type
     *                                  is not its result's
     */
    public R applyInto(T args, List<Tensor> into) {
        if (Tracing.active()) {
            return f.apply(args);
        }
        Tree.Flat flat = Tree.flatten(args);
        for (Tensor t : flat.leaves()) {
            if (Autograd.isDifferentiated(t)) {
                return f.apply(args); // differentiated from outside: autodiff sees every primitive and custom rule
            }
        }
        boolean[] mask = donatedMask(args, flat);
        Compiled c = compiled(flat, mask);
        Tensor[] leaves = flat.leaves().toArray(Tensor[]::new);
        Tensor[] out = c.plan.run(leaves, mask == null ? null : donors(leaves, mask), targets(c, leaves, into), null);
        return c.resultDef.unflatten(List.of(out));
    }

    /** The storages of {@code into} the plan may write its results into ({@link #applyInto}), or null for none. */
    private static org.fluxion.tensor.Storage[] targets(Compiled c, Tensor[] leaves, List<Tensor> into) {
        if (into.isEmpty()) {
            return null;
        }
        List<Value> results = c.fused.outputs();
        if (into.size() > results.size()) {
            throw new IllegalArgumentException("jit applyInto: " + into.size() + " tensors to write into for "
                    + results.size() + " results");
        }
        // The storages taken: the arguments', then each target's.
        IdentityList<org.fluxion.tensor.Storage> seen = new IdentityList<>(leaves.length + into.size());
        for (Tensor t : leaves) {
            seen.add(TensorInternals.storage(t));
        }
        org.fluxion.tensor.Storage[] out = new org.fluxion.tensor.Storage[results.size()];
        for (int k = 0; k < into.size(); k++) {
            Tensor t = into.get(k);
            if (t != null && !t.type().equals(results.get(k).type())) {
                throw new IllegalArgumentException("jit applyInto: tensor " + k + " to write into is " + t.type()
                        + ", but result " + k + " is " + results.get(k).type());
            }
            if (t != null && t.offset() == 0 && t.isContiguous()
                    && TensorInternals.storage(t).length() == t.size() && !seen.contains(TensorInternals.storage(t))) {
                seen.add(TensorInternals.storage(t));
                out[k] = TensorInternals.storage(t);
            }
        }
        return out;
    }

    /** Which leaves of {@code flat} are in the donated part of {@code args}, or null without donation. */
    private boolean[] donatedMask(T args, Tree.Flat flat) {
        if (donated == null) {
            return null;
        }
        IdentityList<Tensor> part = new IdentityList<>(Tree.leaves(donated.apply(args)));
        boolean[] mask = new boolean[flat.leaves().size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = part.contains(flat.leaves().get(i));
        }
        return mask;
    }

    /** The storages of donated leaves that own their storage alone, else null entries. */
    private static org.fluxion.tensor.Storage[] donors(Tensor[] leaves, boolean[] mask) {
        IdentityList<org.fluxion.tensor.Storage> storages = new IdentityList<>(leaves.length);
        for (Tensor t : leaves) {
            storages.add(TensorInternals.storage(t));
        }
        org.fluxion.tensor.Storage[] out = new org.fluxion.tensor.Storage[leaves.length];
        for (int i = 0; i < leaves.length; i++) {
            Tensor t = leaves[i];
            if (mask[i] && storages.count(TensorInternals.storage(t)) == 1 && t.offset() == 0 && t.isContiguous()
                    && TensorInternals.storage(t).length() == t.size()) {
                out[i] = TensorInternals.storage(t);
            }
        }
        return out;
    }

    /** The graph as traced, before any optimization, for arguments like {@code example}. */
    public Graph tracedGraph(T example) {
        return compiled(Tree.flatten(example), null).traced;
    }

    /** The graph after the passes that keep it differentiable, before fusion. */
    public Graph optimizedGraph(T example) {
        return compiled(Tree.flatten(example), null).optimized;
    }

    /** The optimized graph that runs for arguments like {@code example} (after fusion). */
    public Graph graph(T example) {
        return compiled(Tree.flatten(example), null).fused;
    }

    /**
     * Runs the compiled plan {@code repeats} times on {@code args} and returns a table of the average time
     * of each step with the step's equation, slowest first: where a compiled function spends its time.
     */
    public String profile(T args, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("profile: repeats must be >= 1, got " + repeats);
        }
        Tree.Flat flat = Tree.flatten(args);
        Compiled c = compiled(flat, null);
        Tensor[] leaves = flat.leaves().toArray(Tensor[]::new);
        long[] nanos = new long[c.plan.size()];
        for (int r = 0; r < repeats; r++) {
            c.plan.run(leaves, nanos);
        }
        long total = java.util.Arrays.stream(nanos).sum();
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "total %.2f us per call%n",
                total / 1e3 / repeats));
        java.util.stream.IntStream.range(0, nanos.length).boxed()
                .sorted((a, b) -> Long.compare(nanos[b], nanos[a]))
                .forEach(i -> s.append(String.format(java.util.Locale.ROOT, "%9.2f us  %s%n", nanos[i] / 1e3 / repeats,
                        Printer.describeShort(c.fused.equations().get(i)))));
        return s.toString();
    }

    /**
     * How many times {@code f} was traced: once per new signature, and again for a signature called after
     * its plan was evicted from the cache.
     */
    public int traceCount() {
        return (int) cache.compilations();
    }

    /** How many signatures have a compiled plan now: at most {@link #cacheSize()}. */
    public int cachedSignatures() {
        return cache.size();
    }

    /** The most signatures whose plans are kept (least recently used evicted first). */
    public int cacheSize() {
        return cache.capacity();
    }

    /** The cached compilations, least recently used first (for tests). */
    List<Compiled> cachedCompilations() {
        return cache.values();
    }

    /** Time spent tracing {@code f} for the latest new signature, in nanoseconds. */
    public long lastTraceNanos() {
        return lastTraceNanos;
    }

    /** Time spent optimizing and compiling the latest new signature's graph, in nanoseconds. */
    public long lastCompileNanos() {
        return lastCompileNanos;
    }

    private Compiled compiled(Tree.Flat flat, boolean[] donatedLeaves) {
        for (Tensor t : flat.leaves()) {
            if (t.isTraced()) {
                if (Tracing.valueOf(t) instanceof Value v && v.escaped()) {
                    throw EscapedTracerException.of("jit argument", t.type());
                }
                throw new IllegalStateException("jit: argument " + t.type() + " is an abstract tensor (of a vmap, or "
                        + "of a trace that another thread is running), which has no values to compile the function "
                        + "for; call the function itself there (under vmap or a trace, jit inlines it)");
            }
        }
        Recent last = recent;
        if (last != null && last.signature.matches(flat.def(), flat.leaves(), donatedLeaves)) {
            return last.compiled;
        }
        List<TensorType> types = new ArrayList<>(flat.leaves().size());
        List<Boolean> mask = new ArrayList<>(flat.leaves().size());
        for (int i = 0; i < flat.leaves().size(); i++) {
            types.add(flat.leaves().get(i).type());
            mask.add(donatedLeaves != null && donatedLeaves[i]);
        }
        Signature signature = new Signature(flat.def(), List.copyOf(types), List.copyOf(mask));
        Compiled c = cache.get(signature, s -> compile(s, s.def()));
        recent = new Recent(signature, c);
        return c;
    }

    private Compiled compile(Signature s, TreeDef def) {
        long t0 = System.nanoTime();
        Trace trace = new Trace(null, false);
        List<Tensor> tracers = new ArrayList<>(s.types().size());
        for (TensorType type : s.types()) {
            tracers.add(trace.newInput(type));
        }
        T tracedArgs = def.unflatten(tracers);
        TreeDef[] resultDef = new TreeDef[1];
        Graph traced = Tracing.trace(trace, () -> {
            Tree.Flat out = Tree.flatten(f.apply(tracedArgs));
            resultDef[0] = out.def();
            return out.leaves();
        });
        long t1 = System.nanoTime();
        Graph optimized = Passes.optimize(traced);
        Graph fused = Passes.fuse(optimized);
        boolean[] donatedInputs = new boolean[s.donated().size()];
        for (int i = 0; i < donatedInputs.length; i++) {
            donatedInputs[i] = s.donated().get(i);
        }
        Plan plan = new Plan(fused, donatedInputs);
        long t2 = System.nanoTime();
        lastTraceNanos = t1 - t0;
        lastCompileNanos = t2 - t1;
        return new Compiled(traced, optimized, fused, plan, resultDef[0], t1 - t0, t2 - t1);
    }
}

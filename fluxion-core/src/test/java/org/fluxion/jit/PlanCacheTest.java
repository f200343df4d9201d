package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.fluxion.autodiff.GcProbe;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.FusionCompiler;
import org.fluxion.jit.passes.FusedPrograms;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The plan cache of a jitted function is bounded (least recently used evicted), evicted signatures compile
 * again with the same results, and everything compiled (plans, their recycled buffers, their scratch, the
 * generated kernels) is freed with the function, also when other threads ran it.
 */
class PlanCacheTest {
    private static final Tensor W1 = Tensor.randn(1, 8, 16), B1 = Tensor.randn(2, 16);
    private static final Tensor W2 = Tensor.randn(3, 16, 4), B2 = Tensor.randn(4, 4);

    /** A two-layer MLP: GEMMs with bias (recycled buffers) and fused activations (scratch for short rows). */
    private static Tensor mlp(List<Tensor> p) {
        return p.get(0).matmul(p.get(1)).add(p.get(2)).tanh().matmul(p.get(3)).add(p.get(4)).exp().sum(new int[] {1},
                false);
    }

    private static List<Tensor> args(int batch) {
        return List.of(Tensor.randn(100 + batch, batch, 8), W1, B1, W2, B2);
    }

    private static void assertSame(Tensor eager, Tensor jitted) {
        assertEquals(eager.shape(), jitted.shape());
        assertTrue(jitted.allClose(eager, 1e-5, 1e-5), () -> "jit " + jitted + " vs eager " + eager);
    }

    @Test
    void theCacheKeepsAtMostItsBoundAndEvictedSignaturesCompileAgain() {
        Jitted<List<Tensor>, Tensor> f = Jit.jit(PlanCacheTest::mlp, 4);
        for (int batch = 1; batch <= 20; batch++) {
            List<Tensor> a = args(batch);
            assertSame(mlp(a), f.apply(a));
            assertTrue(f.cachedSignatures() <= 4, "cached " + f.cachedSignatures());
        }
        assertEquals(4, f.cachedSignatures());
        assertEquals(20, f.traceCount());
        List<Tensor> first = args(1); // evicted long ago: traced again, same result
        assertSame(mlp(first), f.apply(first));
        assertEquals(21, f.traceCount());
        f.apply(args(20)); // the most recently used stays
        assertEquals(21, f.traceCount());
    }

    @Test
    void theLeastRecentlyUsedIsEvicted() {
        int[] traces = {0};
        Jitted<Tensor, Tensor> f = Jit.jit((Tensor x) -> {
            traces[0]++;
            return x.mul(2);
        }, 2);
        f.apply(Tensor.ones(1));
        f.apply(Tensor.ones(2));
        f.apply(Tensor.ones(1)); // [1] is now more recent than [2]
        f.apply(Tensor.ones(3)); // evicts [2]
        assertEquals(3, traces[0]);
        f.apply(Tensor.ones(1));
        assertEquals(3, traces[0]);
        f.apply(Tensor.ones(2));
        assertEquals(4, traces[0]);
    }

    @Test
    void theDefaultBoundHoldsForAFunctionCalledWithManyBatchSizes() {
        Jitted<List<Tensor>, Tensor> f = Jit.jit(PlanCacheTest::mlp);
        assertEquals(Jit.DEFAULT_CACHE_SIZE, f.cacheSize());
        for (int batch = 1; batch <= 130; batch++) {
            f.apply(args(batch));
        }
        assertEquals(Jit.DEFAULT_CACHE_SIZE, f.cachedSignatures());
        assertEquals(Jit.DEFAULT_CACHE_SIZE, f.cachedCompilations().size());
        assertThrows(IllegalArgumentException.class, () -> Jit.jit(PlanCacheTest::mlp, 0));
    }

    @Test
    void aDroppedJittedFunctionFreesItsPlansBuffersAndKernels() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor(); // a thread that outlives the function
        try {
            List<WeakReference<Object>> refs = compileAndDrop(other);
            for (WeakReference<Object> r : refs) {
                assertTrue(GcProbe.collected(r), () -> "still reachable: " + r.get());
            }
        } finally {
            other.shutdown();
        }
    }

    /**
     * Runs a jitted MLP on three signatures on this thread and on {@code other}, and returns weak references
     * to the function, its plans, their recycled buffers and their generated kernels; nothing else keeps them.
     */
    private static List<WeakReference<Object>> compileAndDrop(ExecutorService other) throws Exception {
        Jitted<List<Tensor>, Tensor> f = Jit.jit(PlanCacheTest::mlp);
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int batch = 1; batch <= 3; batch++) {
            List<Tensor> a = args(batch);
            f.apply(a);
            other.submit(() -> f.apply(a)).get();
        }
        refs.add(new WeakReference<>(f));
        for (Jitted.Compiled c : f.cachedCompilations()) {
            refs.add(new WeakReference<>(c.plan()));
            List<Storage[]> sets = c.plan().idleBuffers();
            assertFalse(sets.isEmpty(), "the plan recycles buffers");
            for (Storage[] set : sets) {
                for (Storage s : set) {
                    refs.add(new WeakReference<>(s));
                }
            }
            for (ElementwiseProgram program : FusedPrograms.of(c.fused())) {
                refs.add(new WeakReference<>(FusionCompiler.compile(program)));
            }
        }
        return refs;
    }

    @Test
    void threadsCallingOneFunctionOnDifferentSignaturesWhileItEvicts() throws Exception {
        Jitted<List<Tensor>, Tensor> f = Jit.jit(PlanCacheTest::mlp, 3);
        int sizes = 8;
        List<List<Tensor>> inputs = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        for (int batch = 1; batch <= sizes; batch++) {
            inputs.add(args(batch));
            expected.add(mlp(inputs.get(batch - 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        int k = (start * 3 + i) % sizes;
                        assertSame(expected.get(k), f.apply(inputs.get(k)));
                    }
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(f.cachedSignatures() <= 3);
        assertTrue(f.traceCount() > sizes, "signatures were evicted and compiled again: " + f.traceCount());
    }

    @Test
    void aFailedCompilationIsNotCached() {
        Function<Tensor, Tensor> bad = x -> x.sum().item() > 0 ? x : x.neg();
        Jitted<Tensor, Tensor> f = Jit.jit(bad, 2);
        assertThrows(org.fluxion.tensor.ConcretizationException.class, () -> f.apply(Tensor.ones(2)));
        assertThrows(org.fluxion.tensor.ConcretizationException.class, () -> f.apply(Tensor.ones(2)));
        assertEquals(0, f.cachedSignatures());
    }
}

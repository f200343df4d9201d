package org.fluxion.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.jit.Jit;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The per-example graphs of a vmapped function are cached per signature, bounded like jit's plans. */
class VmapCacheTest {
    private static void assertSame(Tensor eager, Tensor jitted) {
        assertEquals(eager.shape(), jitted.shape());
        assertTrue(jitted.allClose(eager, 1e-5, 1e-5), () -> "jit " + jitted + " vs eager " + eager);
    }

    @Test
    void vmapKeepsABoundedNumberOfPerExampleGraphs() {
        VmapCore<Tensor, Tensor> core = new VmapCore<>(x -> x.mul(2).sum());
        for (int n = 1; n <= Jit.DEFAULT_CACHE_SIZE + 6; n++) {
            Tensor x = Tensor.randn(n, 2, n);
            Tensor y = core.apply(x, new int[] {0}, new String[] {"argument"}, null);
            assertSame(x.mul(2).sum(new int[] {1}, false), y);
        }
        assertEquals(Jit.DEFAULT_CACHE_SIZE, core.cachedSignatures());
    }
}

package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/** Counter-based random numbers: a pure function of the key, the same eagerly, compiled and batched. */
class RandomnessTest {
    private static Tensor key(long seed) {
        return Tensor.of(new long[] {seed});
    }

    @Test
    void sameKeySameNumbersOtherKeyOrStreamOtherNumbers() {
        Tensor a = Randomness.uniform(key(1).reshape(), 0, DType.FLOAT64, 1000);
        assertArrayEquals(a.toDoubleArray(), Randomness.uniform(key(1).reshape(), 0, DType.FLOAT64, 1000).toDoubleArray());
        assertFalse(a.allClose(Randomness.uniform(key(2).reshape(), 0, DType.FLOAT64, 1000), 0, 0.1));
        assertFalse(a.allClose(Randomness.uniform(key(1).reshape(), 1, DType.FLOAT64, 1000), 0, 0.1));
    }

    /** Moments and range of 10^5 draws: mean 1/2 and variance 1/12 within 4 standard errors, all in [0, 1). */
    @Test
    void uniformInTheUnitInterval() {
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Tensor u = Randomness.uniform(key(42).reshape(), 3, d, 100_000);
            assertEquals(d, u.dtype());
            assertTrue(u.min().item() >= 0 && u.max().item() < 1, d + " range");
            double n = u.size();
            assertEquals(0.5, u.mean().item(), 4 * Math.sqrt(1 / 12.0 / n), d + " mean");
            assertEquals(1 / 12.0, u.sub(0.5).square().mean().item(), 4 * Math.sqrt(1 / 180.0 / n), d + " variance");
            // neighbouring counters are independent: lag-1 correlation near 0
            double c = u.slice(0, 0, 99_999).sub(0.5).mul(u.slice(0, 1, 100_000).sub(0.5)).mean().item() * 12;
            assertEquals(0, c, 4 / Math.sqrt(n), d + " lag-1 correlation");
        }
    }

    @Test
    void bernoulliKeepsTheGivenFraction() {
        Tensor m = Randomness.bernoulli(key(5).reshape(), 0, 0.3, 200, 100);
        assertEquals(DType.BOOL, m.dtype());
        assertEquals(0.3, m.to(DType.FLOAT64).mean().item(), 4 * Math.sqrt(0.21 / 20_000));
    }

    @Test
    void compiledDrawsTheEagerNumbersAndANewKeyNeedsNoRetrace() {
        Jitted<Tensor, Tensor> f = Jit.jit((Tensor k) -> Randomness.uniform(k, 9, DType.FLOAT32, 4, 5).mul(2));
        for (long seed = 0; seed < 3; seed++) {
            Tensor k = Tensor.scalar(0, DType.INT64).add(seed).to(DType.INT64);
            assertArrayEquals(Randomness.uniform(k, 9, DType.FLOAT32, 4, 5).mul(2).toDoubleArray(),
                    f.apply(k).toDoubleArray());
        }
        assertEquals(1, f.traceCount());
    }

    @Test
    void aBatchOfKeysDrawsOneBlockPerKey() {
        Tensor keys = Tensor.of(new long[] {3, 8, 1}, 3);
        Tensor batched = Vmap.vmap((Tensor k) -> Randomness.uniform(k, 2, DType.FLOAT64, 2, 2)).apply(keys);
        assertArrayEquals(new int[] {3, 2, 2}, batched.dims());
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(Randomness.uniform(keys.select(0, b), 2, DType.FLOAT64, 2, 2).toDoubleArray(),
                    batched.select(0, b).toDoubleArray());
        }
    }

    @Test
    void errorsNameTheOperation() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Randomness.uniform(Tensor.scalar(1.0), 0, DType.FLOAT32, 2));
        assertTrue(e.getMessage().contains("random_uniform") && e.getMessage().contains("int64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Randomness.bernoulli(key(1), 0, 1.5, 2));
        assertTrue(e.getMessage().contains("bernoulli"), e.getMessage());
    }
}

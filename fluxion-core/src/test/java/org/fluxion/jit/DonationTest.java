package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.junit.jupiter.api.Test;

/** Donated arguments: results written where the donated storages were, values unchanged by it. */
class DonationTest {
    /** An SGD step on a state (p, m) and a gradient g: p' = p - 0.1 (0.9 m + g), m' = 0.9 m + g. */
    private static List<Tensor> step(List<Object> in) {
        @SuppressWarnings("unchecked")
        List<Tensor> state = (List<Tensor>) in.get(0);
        Tensor g = (Tensor) in.get(1);
        Tensor m = state.get(1).mul(0.9).add(g);
        return List.of(state.get(0).sub(m.mul(0.1)), m);
    }

    private static List<Tensor> state(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return List.of(Tensor.randn(rng, DType.FLOAT32, 30, 40), Tensor.randn(rng, DType.FLOAT32, 30, 40));
    }

    @Test
    void resultsTakeTheDonatedStoragesAndTheValuesAreThoseOfEager() {
        @SuppressWarnings("unchecked")
        Jitted<List<Object>, List<Tensor>> f = Jit.jit(DonationTest::step).donating(in -> in.get(0));
        Tensor g = Tensor.randn(new SplittableRandom(9), DType.FLOAT32, 30, 40);
        List<Tensor> s = state(1);
        List<Tensor> reference = state(1);
        for (int i = 0; i < 3; i++) {
            var storages = List.of(TensorInternals.storage(s.get(0)), TensorInternals.storage(s.get(1)));
            List<Tensor> next = f.apply(List.of(s, g));
            reference = step(List.of(reference, g));
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(reference.get(k).toDoubleArray(), next.get(k).toDoubleArray(), 1e-6, "leaf " + k);
                assertTrue(storages.contains(TensorInternals.storage(next.get(k))), "leaf " + k + " written into a donated storage");
            }
            s = next;
        }
        assertNotSame(TensorInternals.storage(s.get(0)), TensorInternals.storage(s.get(1)));
        assertEquals(1, f.traceCount());
        assertArrayEquals(Tensor.randn(new SplittableRandom(9), DType.FLOAT32, 30, 40).toDoubleArray(),
                g.toDoubleArray(), 0, "an argument not donated is untouched");
    }

    /** A view, or two leaves sharing one storage, are not donated: read as usual, left as they were. */
    @Test
    void viewsAndSharedStoragesAreNotDonated() {
        @SuppressWarnings("unchecked")
        Jitted<List<Object>, List<Tensor>> f = Jit.jit(DonationTest::step).donating(in -> in.get(0));
        Tensor g = Tensor.randn(new SplittableRandom(9), DType.FLOAT32, 30, 40);
        Tensor big = Tensor.randn(new SplittableRandom(3), DType.FLOAT32, 60, 40);
        Tensor shared = Tensor.zeros(30, 40);
        List<Tensor> s = List.of(big.slice(0, 0, 30), Tensor.zeros(30, 40));
        List<Tensor> s2 = List.of(shared, shared);
        double[] before = big.toDoubleArray();
        List<Tensor> expected = step(List.of(s, g));
        List<Tensor> next = f.apply(List.of(s, g));
        assertArrayEquals(before, big.toDoubleArray(), 0, "the view's storage is left alone");
        assertArrayEquals(expected.get(0).toDoubleArray(), next.get(0).toDoubleArray(), 1e-6);
        List<Tensor> expected2 = step(List.of(s2, g));
        List<Tensor> next2 = f.apply(List.of(s2, g));
        assertArrayEquals(expected2.get(1).toDoubleArray(), next2.get(1).toDoubleArray(), 1e-6);
        assertArrayEquals(new double[30 * 40], shared.toDoubleArray(), 0, "a shared storage is left alone");
    }

    /** A donated leaf returned as it is, or read through a view after the last direct read, keeps its values. */
    @Test
    void aliasesKeepTheirStorageAlive() {
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit((List<Tensor> in) -> {
            Tensor w = in.get(0);
            Tensor wt = w.transpose();
            Tensor a = w.mul(2); // last direct read of w, elementwise
            return List.of(a, a.matmul(wt), in.get(1));
        }).donating(in -> in);
        Tensor w = Tensor.randn(new SplittableRandom(5), DType.FLOAT32, 6, 6);
        Tensor kept = Tensor.randn(new SplittableRandom(6), DType.FLOAT32, 6, 6);
        Tensor w0 = w.copy();
        Tensor kept0 = kept.copy();
        List<Tensor> out = f.apply(List.of(w, kept));
        assertArrayEquals(w0.mul(2).toDoubleArray(), out.get(0).toDoubleArray(), 1e-6);
        assertArrayEquals(w0.mul(2).matmul(w0.transpose()).toDoubleArray(), out.get(1).toDoubleArray(), 1e-4);
        assertArrayEquals(kept0.toDoubleArray(), out.get(2).toDoubleArray(), 0);
        assertSame(TensorInternals.storage(kept), TensorInternals.storage(out.get(2)), "an argument returned as it is stays as it is");
    }
}

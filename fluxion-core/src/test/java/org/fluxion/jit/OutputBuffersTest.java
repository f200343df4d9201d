package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.junit.jupiter.api.Test;

/** {@link Jitted#applyInto}: results written into storages the caller gives (PyTorch's {@code out=}). */
class OutputBuffersTest {
    /** (tanh(x W), x W + 1): a fused kernel's result and a GEMM's. */
    private static List<Tensor> layer(List<Tensor> in) {
        Tensor h = in.get(0).matmul(in.get(1));
        return List.of(h.tanh(), h.add(1));
    }

    private static List<Tensor> arguments() {
        SplittableRandom rng = new SplittableRandom(5);
        return List.of(Tensor.randn(rng, DType.FLOAT32, 8, 20), Tensor.randn(rng, DType.FLOAT32, 20, 24));
    }

    @Test
    void resultsAreWrittenIntoTheGivenStoragesWithTheValuesOfApply() {
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit(OutputBuffersTest::layer);
        List<Tensor> x = arguments();
        List<Tensor> expected = f.apply(x);
        List<Tensor> into = List.of(Tensor.full(7, DType.FLOAT32, 8, 24), Tensor.full(7, DType.FLOAT32, 8, 24));
        List<Tensor> out = f.applyInto(x, into);
        for (int k = 0; k < 2; k++) {
            assertSame(TensorInternals.storage(into.get(k)), TensorInternals.storage(out.get(k)), "result " + k);
            assertArrayEquals(expected.get(k).toDoubleArray(), out.get(k).toDoubleArray(), 0, "result " + k);
        }
    }

    /** An entry of another type than its result's, or more entries than results, is an error naming them. */
    @Test
    void entriesOfTheWrongTypeOrTooManyAreRejected() {
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit(OutputBuffersTest::layer);
        List<Tensor> x = arguments();
        var dtype = assertThrows(IllegalArgumentException.class, () -> f.applyInto(x,
                List.of(Tensor.full(3, DType.FLOAT64, 8, 24))));
        assertTrue(dtype.getMessage().contains("tensor 0") && dtype.getMessage().contains("float64"),
                dtype.getMessage());
        var shape = assertThrows(IllegalArgumentException.class, () -> f.applyInto(x,
                Arrays.asList(null, Tensor.full(3, DType.FLOAT32, 24, 8))));
        assertTrue(shape.getMessage().contains("result 1"), shape.getMessage());
        var many = assertThrows(IllegalArgumentException.class, () -> f.applyInto(x,
                Arrays.asList(null, null, null)));
        assertTrue(many.getMessage().contains("3 tensors") && many.getMessage().contains("2 results"),
                many.getMessage());
    }

    /**
     * A view, an argument's storage, or one given twice is not written into: the result gets a new storage, and
     * those tensors keep their values.
     */
    @Test
    void unsuitableEntriesAreLeftAlone() {
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit(OutputBuffersTest::layer);
        List<Tensor> x = arguments();
        List<Tensor> expected = f.apply(x);
        Tensor big = Tensor.full(3, DType.FLOAT32, 16, 24);
        Tensor same = Tensor.full(3, DType.FLOAT32, 8, 24);
        List<List<Tensor>> cases = List.of(
                List.of(big.slice(0, 0, 8), big.slice(0, 8, 16)),
                List.of(same, same));
        for (List<Tensor> into : cases) {
            List<Tensor> out = f.applyInto(x, into);
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(expected.get(k).toDoubleArray(), out.get(k).toDoubleArray(), 0);
                if (into.get(k) != null && into.get(k) != same) {
                    assertNotSame(TensorInternals.storage(into.get(k)), TensorInternals.storage(out.get(k)));
                }
            }
        }
        assertArrayEquals(Tensor.full(3, DType.FLOAT32, 16, 24).toDoubleArray(), big.toDoubleArray(), 0);
        // An argument's storage, of the result's type: read, never written.
        Jitted<Tensor, Tensor> g = Jit.jit((Tensor t) -> t.tanh());
        Tensor arg = arguments().get(0);
        Tensor result = g.applyInto(arg, List.of(arg));
        assertNotSame(TensorInternals.storage(arg), TensorInternals.storage(result));
        assertArrayEquals(arguments().get(0).toDoubleArray(), arg.toDoubleArray(), 0, "an argument is untouched");
        assertArrayEquals(arguments().get(0).tanh().toDoubleArray(), result.toDoubleArray(), 0);
        // `same` given twice: the first result may take it, the second may not.
        List<Tensor> out = f.applyInto(x, List.of(same, same));
        assertNotSame(TensorInternals.storage(out.get(0)), TensorInternals.storage(out.get(1)));
    }
}

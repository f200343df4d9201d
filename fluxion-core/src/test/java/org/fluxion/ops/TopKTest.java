package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.fluxion.autodiff.Autograd;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TopKResult;
import org.junit.jupiter.api.Test;

/**
 * {@code topk}'s values, positions, order (ties, NaN, -0.0), dtypes, layouts and errors; its derivative rules
 * are rows of the conformance suite (FD, second order, jit, vmap).
 */
class TopKTest {
    /**
     * Against a selection that shares nothing with the kernel's merge sort: k times, the best element not yet
     * chosen, scanning the line in order and replacing only on strictly better (so a tie keeps the lower
     * position). Small random integers give many ties.
     */
    @Test
    void matchesAReferenceSelectionForRandomShapesDtypesAndLayouts() {
        Random r = new Random(42);
        DType[] dtypes = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64};
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(3);
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = 1 + r.nextInt(6);
            }
            DType dtype = dtypes[r.nextInt(dtypes.length)];
            TestTensors.Layout layout = TestTensors.Layout.values()[r.nextInt(TestTensors.Layout.values().length)];
            Tensor x = TestTensors.random(r, dtype, layout, dims);
            int axis = r.nextInt(rank) - (r.nextBoolean() ? rank : 0);
            int a = Math.floorMod(axis, rank);
            int k = r.nextInt(dims[a] + 1);
            boolean largest = r.nextBoolean();
            boolean sorted = r.nextBoolean();
            String what = "trial " + trial + ": " + x.type() + " " + layout + " k=" + k + " axis=" + axis
                    + " largest=" + largest + " sorted=" + sorted;
            TopKResult t = x.topk(k, axis, largest, sorted);
            assertEquals(dtype, t.values().dtype(), what);
            assertEquals(DType.INT64, t.indices().dtype(), what);
            int[] outDims = dims.clone();
            outDims[a] = k;
            assertArrayEquals(outDims, t.values().dims(), what);
            assertArrayEquals(outDims, t.indices().dims(), what);
            Tensor xl = x.permute(toLast(a, rank)).contiguous();
            double[] xs = xl.toDoubleArray();
            double[] vs = t.values().permute(toLast(a, rank)).contiguous().toDoubleArray();
            double[] is = t.indices().permute(toLast(a, rank)).contiguous().toDoubleArray();
            int n = dims[a];
            for (int line = 0; line * n < xs.length; line++) {
                int[] expected = select(Arrays.copyOfRange(xs, line * n, line * n + n), k, largest, sorted);
                for (int j = 0; j < k; j++) {
                    assertEquals(expected[j], (int) is[line * k + j], what + ", line " + line + ", position " + j);
                    assertEquals(xs[line * n + expected[j]], vs[line * k + j], 0, what + ", line " + line);
                }
            }
        }
    }

    /** The permutation that moves axis {@code a} last, the others in order: lines become rows. */
    private static int[] toLast(int a, int rank) {
        int[] order = new int[rank];
        for (int d = 0, j = 0; d < rank; d++) {
            if (d != a) {
                order[j++] = d;
            }
        }
        order[rank - 1] = a;
        return order;
    }

    /** The reference: positions of the k best of {@code line}, best first or in increasing position. */
    private static int[] select(double[] line, int k, boolean largest, boolean sorted) {
        boolean[] taken = new boolean[line.length];
        int[] out = new int[k];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < line.length; i++) {
                if (!taken[i] && (best < 0 || (largest ? line[i] > line[best] : line[i] < line[best]))) {
                    best = i;
                }
            }
            taken[best] = true;
            out[j] = best;
        }
        if (!sorted) {
            Arrays.sort(out);
        }
        return out;
    }

    @Test
    void tiesGoToTheLowerPositionAndNanIsTheLargest() {
        Tensor x = Tensor.of(new double[] {1, 3, 3, Double.NaN, 2, 3}, 6);
        TopKResult top = x.topk(3);
        assertArrayEquals(new double[] {Double.NaN, 3, 3}, top.values().toDoubleArray());
        assertArrayEquals(new long[] {3, 1, 2}, (long[]) storage(top.indices()).array());
        TopKResult bottom = x.topk(4, 0, false, true);
        assertArrayEquals(new double[] {1, 2, 3, 3}, bottom.values().toDoubleArray());
        assertArrayEquals(new long[] {0, 4, 1, 2}, (long[]) storage(bottom.indices()).array());
        // -0.0 equals 0.0: the first of the two wins either way.
        assertArrayEquals(new long[] {0}, (long[]) storage(Tensor.of(new double[] {-0.0, 0.0}, 2).topk(1).indices()).array());
        assertArrayEquals(new long[] {0}, (long[]) storage(Tensor.of(new double[] {0.0, -0.0}, 2).topk(1).indices()).array());
    }

    @Test
    void unsortedKeepsThePositionOrder() {
        Tensor x = Tensor.of(new float[] {5, 1, 4, 2, 3, 0, 9, 8}, 2, 4);
        TopKResult t = x.topk(2, 1, true, false);
        assertArrayEquals(new double[] {5, 4, 9, 8}, t.values().toDoubleArray());
        assertArrayEquals(new long[] {0, 2, 2, 3}, (long[]) storage(t.indices()).array());
    }

    @Test
    void gradientReachesOnlyTheChosenPositions() {
        Tensor x = Tensor.of(new double[] {2, 7, 7, 1, 5}, 5).requiresGrad(true);
        TopKResult t = x.topk(2);
        assertFalse(Autograd.requiresGrad(t.indices()), "int64 positions have no derivative");
        t.values().mul(Tensor.of(new double[] {10, 20}, 2)).sum().backward();
        assertArrayEquals(new double[] {0, 10, 20, 0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void theSavedPositionsAreGuardedAgainstInPlaceWrites() {
        Tensor x = Tensor.of(new double[] {2, 7, 3}, 3).requiresGrad(true);
        TopKResult t = x.topk(2);
        Tensor loss = t.values().sum();
        t.indices().copyFrom(Tensor.of(new long[] {0, 0}, 2));
        var e = assertThrows(IllegalStateException.class, loss::backward);
        assertMessage(e, "output 1 of topk", "modified in place");
    }

    @Test
    void compiledEqualsEagerWithTheIndicesUnused() {
        Tensor x = TestTensors.random(new Random(3), DType.FLOAT32, 4, 9);
        var f = Jit.jit((Tensor v) -> v.topk(3, 1, false, true).values().sum(1));
        assertArrayEquals(x.topk(3, 1, false, true).values().sum(1).toDoubleArray(), f.apply(x).toDoubleArray());
        assertEquals(1, f.tracedGraph(x).count("topk"));
    }

    @Test
    void errorsNameTheOperationAndTheBound() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.topk(4)), "topk", "k = 4", "size 3",
                "0 <= k <= 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.topk(-1)), "topk", "k = -1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.topk(1, 2, true, true)), "topk", "2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1, DType.FLOAT32).topk(1)),
                "topk", "scalar");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new boolean[] {true}, 1).topk(1)), "topk", "bool");
        // A primitive of several outputs bound as if it had one: the error says what to call instead.
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Ops.bind(new TopK(1, 0, true, true), x)),
                "topk", "several outputs", "Ops.bindAll");
    }
}

package org.fluxion.ops;

import static org.fluxion.ops.TestTensors.as;
import static org.fluxion.ops.TestTensors.assertThrowsWith;
import static org.fluxion.ops.TestTensors.forEachIndex;
import static org.fluxion.ops.TestTensors.random;
import static org.fluxion.tensor.TensorInternals.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fluxion.ops.TestTensors.Layout;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class JoiningTest {

    /** out[..., start_k + i, ...] == tensors[k][..., i, ...] for every element, converted to out's dtype. */
    private static void assertConcat(Tensor out, int axis, List<Tensor> parts) {
        int start = 0;
        for (Tensor p : parts) {
            int s = start;
            forEachIndex(p.dims(), idx -> {
                int[] o = idx.clone();
                o[axis] += s;
                assertEquals(as(p.get(idx), out.dtype()), out.get(o), 0, () -> "at " + Arrays.toString(o));
            });
            start += p.dim(axis);
        }
        assertEquals(start, out.dim(axis));
    }

    @Test
    void concatMatchesReferenceForRandomShapesAxesDtypesAndLayouts() {
        Random r = new Random(1);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(4);
            int axis = r.nextInt(rank);
            int[] base = TestTensors.dims(r, rank);
            DType dtype = TestTensors.dtype(r);
            List<Tensor> parts = new ArrayList<>();
            int count = 1 + r.nextInt(4);
            for (int k = 0; k < count; k++) {
                int[] d = base.clone();
                d[axis] = TestTensors.dim(r);
                parts.add(random(r, dtype, TestTensors.layout(r), d));
            }
            int given = r.nextBoolean() ? axis : axis - rank;
            Tensor out = Tensor.concat(given, parts);
            int[] expected = base.clone();
            expected[axis] = parts.stream().mapToInt(p -> p.dim(axis)).sum();
            assertEquals(Shape.of(expected), out.shape());
            assertEquals(dtype, out.dtype());
            assertConcat(out, axis, parts);
        }
    }

    @Test
    void concatPromotesDtypes() {
        Random r = new Random(2);
        List<Tensor> parts = List.of(random(r, DType.INT32, 2, 3), random(r, DType.FLOAT32, 2, 1),
                random(r, DType.BOOL, 2, 2));
        Tensor out = Tensor.concat(1, parts);
        assertEquals(DType.FLOAT32, out.dtype());
        assertConcat(out, 1, parts);
        Tensor mixed = Tensor.concat(0, random(r, DType.BOOL, 1, 2), random(r, DType.INT64, 3, 2));
        assertEquals(DType.INT64, mixed.dtype());
        assertEquals(DType.FLOAT64, Tensor.concat(0, random(r, DType.FLOAT64, 1), random(r, DType.FLOAT32, 1)).dtype());
    }

    @Test
    void concatOfOneTensorIsACopy() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.concat(0, x);
        assertEquals(x, y);
        assertEquals(false, storage(x) == storage(y));
    }

    @Test
    void concatLargeTensorsUsesParallelPathCorrectly() {
        Random r = new Random(3);
        for (Layout layout : Layout.values()) {
            List<Tensor> parts = List.of(random(r, DType.FLOAT32, layout, 400, 350), random(r, DType.FLOAT32, layout, 400, 420));
            assertConcat(Tensor.concat(1, parts), 1, parts);
            List<Tensor> rows = List.of(random(r, DType.FLOAT32, layout, 380, 400), random(r, DType.FLOAT32, layout, 1, 400));
            assertConcat(Tensor.concat(0, rows), 0, rows);
        }
    }

    @Test
    void concatErrorsNameTheOpShapesAndPosition() {
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.concat(0, List.of()), "concat", "at least one");
        Tensor a = Tensor.zeros(2, 3);
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.concat(0, a, Tensor.zeros(2, 3, 1)),
                "concat", "tensor 1", "[2, 3, 1]", "[2, 3]", "rank");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.concat(0, a, a, Tensor.zeros(2, 4)),
                "concat", "tensor 2", "[2, 4]", "[2, 3]", "dimension 1");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.concat(2, a, a), "concat", "axis 2");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.concat(0, Tensor.scalar(1), Tensor.scalar(2)),
                "concat", "rank 0");
    }

    @Test
    void stackMatchesReference() {
        Random r = new Random(4);
        for (int trial = 0; trial < 100; trial++) {
            int rank = r.nextInt(4);
            int[] d = TestTensors.dims(r, rank);
            DType dtype = TestTensors.dtype(r);
            int count = 1 + r.nextInt(3);
            List<Tensor> parts = new ArrayList<>();
            for (int k = 0; k < count; k++) parts.add(random(r, dtype, TestTensors.layout(r), d));
            int axis = r.nextInt(rank + 1);
            Tensor out = Tensor.stack(r.nextBoolean() ? axis : axis - rank - 1, parts);
            int[] expected = new int[rank + 1];
            for (int i = 0, j = 0; i <= rank; i++) expected[i] = i == axis ? count : d[j++];
            assertEquals(Shape.of(expected), out.shape());
            for (int k = 0; k < count; k++) {
                Tensor p = parts.get(k);
                int kk = k;
                forEachIndex(d, idx -> {
                    int[] o = new int[rank + 1];
                    for (int i = 0, j = 0; i <= rank; i++) o[i] = i == axis ? kk : idx[j++];
                    assertEquals(p.get(idx), out.get(o), 0);
                });
            }
        }
    }

    @Test
    void stackErrors() {
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.stack(0, List.of()), "stack", "at least one");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3)),
                "stack", "tensor 1", "[3]", "[2]");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.stack(3, Tensor.zeros(2), Tensor.zeros(2)),
                "stack", "axis 3");
    }

    @Test
    void splitAndChunkAreViewsThatConcatUndoes() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(3);
            int axis = r.nextInt(rank);
            int[] d = TestTensors.dims(r, rank);
            d[axis] = r.nextInt(8);
            Tensor x = random(r, TestTensors.dtype(r), TestTensors.layout(r), d);
            int size = 1 + r.nextInt(4);
            List<Tensor> chunks = x.chunk(axis, size);
            assertEquals(Math.max(1, (d[axis] + size - 1) / size), chunks.size());
            for (int k = 0; k < chunks.size(); k++) {
                assertSame(storage(x), storage(chunks.get(k)));
                int expected = k < chunks.size() - 1 ? size : d[axis] - size * (chunks.size() - 1);
                assertEquals(expected, chunks.get(k).dim(axis));
            }
            assertEquals(x, Tensor.concat(axis, chunks));

            int[] sizes = randomSizes(r, d[axis]);
            List<Tensor> pieces = x.split(axis - rank, sizes);
            assertEquals(sizes.length, pieces.size());
            for (int k = 0; k < sizes.length; k++) {
                assertEquals(sizes[k], pieces.get(k).dim(axis));
                assertSame(storage(x), storage(pieces.get(k)));
            }
            assertEquals(x, Tensor.concat(axis, pieces));
        }
    }

    private static int[] randomSizes(Random r, int total) {
        List<Integer> sizes = new ArrayList<>();
        int left = total;
        do {
            int s = r.nextInt(left + 1);
            sizes.add(s);
            left -= s;
        } while (left > 0 || r.nextInt(4) == 0);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void splitAndChunkErrors() {
        Tensor x = Tensor.zeros(2, 5);
        assertThrowsWith(IllegalArgumentException.class, () -> x.split(1, 2, 2), "split", "[2, 2]", "4", "5");
        assertThrowsWith(IllegalArgumentException.class, () -> x.split(1, 6, -1), "split", "-1", "negative");
        assertThrowsWith(IllegalArgumentException.class, () -> x.split(2, 5), "split", "axis 2");
        assertThrowsWith(IllegalArgumentException.class, () -> x.chunk(1, 0), "chunk", "0");
        assertThrowsWith(IllegalArgumentException.class, () -> x.chunk(-3, 1), "chunk", "axis -3");
    }

    /** out[i + before] == x[i]; value elsewhere. */
    private static void assertPad(Tensor out, Tensor x, int[] before, int[] after, double value) {
        int[] expected = x.dims();
        for (int i = 0; i < expected.length; i++) expected[i] += before[i] + after[i];
        assertEquals(Shape.of(expected), out.shape());
        assertEquals(x.dtype(), out.dtype());
        forEachIndex(out.dims(), o -> {
            int[] idx = new int[o.length];
            boolean inside = true;
            for (int i = 0; i < o.length; i++) {
                idx[i] = o[i] - before[i];
                inside &= idx[i] >= 0 && idx[i] < x.dim(i);
            }
            double e = inside ? x.get(idx) : as(value, x.dtype());
            assertEquals(e, out.get(o), 0, () -> "at " + Arrays.toString(o));
        });
    }

    @Test
    void padMatchesReferenceForRandomShapesDtypesAndLayouts() {
        Random r = new Random(6);
        for (int trial = 0; trial < 300; trial++) {
            int rank = r.nextInt(4);
            int[] d = TestTensors.dims(r, rank);
            DType dtype = TestTensors.dtype(r);
            Tensor x = random(r, dtype, TestTensors.layout(r), d);
            int pairs = r.nextInt(rank + 1);
            int[] padding = new int[2 * pairs];
            for (int i = 0; i < padding.length; i++) padding[i] = r.nextInt(3);
            int[] before = new int[rank];
            int[] after = new int[rank];
            for (int k = 0; k < pairs; k++) {
                before[k] = padding[2 * k];
                after[k] = padding[2 * k + 1];
            }
            double value = r.nextBoolean() ? 0 : 7;
            assertPad(x.pad(padding, value), x, before, after, value);
        }
    }

    @Test
    void padConvertsTheValueAndPadsFromTheFirstAxis() {
        Tensor x = Tensor.of(new int[] {1, 2, 3, 4}, 2, 2);
        Tensor y = x.pad(new int[] {1, 0}, 9.7);
        assertEquals(Tensor.of(new int[] {9, 9, 1, 2, 3, 4}, 3, 2), y);
        Tensor b = Tensor.of(new boolean[] {false}, 1).pad(new int[] {1, 1}, 1);
        assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
        Tensor f = Tensor.of(new float[] {1, 2}, 1, 2).pad(new int[] {0, 0, 2, 1}, -1);
        assertArrayEquals(new float[] {-1, -1, 1, 2, -1}, f.toFloatArray());
    }

    @Test
    void padLargeTensorsUsesParallelPathCorrectly() {
        Random r = new Random(7);
        for (Layout layout : Layout.values()) {
            Tensor x = random(r, DType.FLOAT32, layout, 300, 500);
            assertPad(x.pad(new int[] {2, 3, 1, 4}, 0.5), x, new int[] {2, 1}, new int[] {3, 4}, 0.5);
        }
    }

    @Test
    void padErrors() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrowsWith(IllegalArgumentException.class, () -> x.pad(new int[] {1, 2, 3}, 0), "pad", "[1, 2, 3]", "odd");
        assertThrowsWith(IllegalArgumentException.class, () -> x.pad(new int[] {1, 1, 1, 1, 1, 1}, 0),
                "pad", "3 pairs", "[2, 3]");
        assertThrowsWith(IllegalArgumentException.class, () -> x.pad(new int[] {0, 0, 0, -2}, 0),
                "pad", "-2", "axis 1", "[2, 3]");
    }
}

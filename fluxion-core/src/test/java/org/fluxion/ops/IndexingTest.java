package org.fluxion.ops;

import static org.fluxion.ops.TestTensors.as;
import static org.fluxion.ops.TestTensors.assertThrowsWith;
import static org.fluxion.ops.TestTensors.forEachIndex;
import static org.fluxion.ops.TestTensors.random;
import static org.fluxion.ops.TestTensors.randomIndex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.fluxion.ops.TestTensors.Layout;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class IndexingTest {

    /** An index in a random layout: contiguous, transposed, or broadcast along its first axis. */
    private static Tensor layoutIndex(Random r, boolean int64, int bound, int[] dims) {
        int rank = dims.length;
        switch (r.nextInt(3)) {
            case 0 -> {
                int[] d = dims.clone();
                d[0] = dims[rank - 1];
                d[rank - 1] = dims[0];
                return randomIndex(r, int64, bound, d).transpose(0, rank - 1);
            }
            case 1 -> {
                int[] d = dims.clone();
                d[0] = 1;
                return randomIndex(r, int64, bound, d).expand(dims);
            }
            default -> {
                return randomIndex(r, int64, bound, dims);
            }
        }
    }

    private static void assertGather(Tensor out, Tensor x, int axis, Tensor index) {
        assertEquals(index.shape(), out.shape());
        assertEquals(x.dtype(), out.dtype());
        forEachIndex(index.dims(), idx -> {
            int[] src = idx.clone();
            src[axis] = (int) index.getLong(idx);
            assertEquals(x.get(src), out.get(idx), 0, () -> "at " + Arrays.toString(idx));
        });
    }

    @Test
    void gatherMatchesReferenceForRandomShapesAxesDtypesAndLayouts() {
        Random r = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            int rank = 1 + r.nextInt(4);
            int axis = r.nextInt(rank);
            int[] xd = TestTensors.dims(r, rank);
            xd[axis] = 1 + r.nextInt(5);
            Tensor x = random(r, TestTensors.dtype(r), TestTensors.layout(r), xd);
            int[] id = new int[rank];
            for (int i = 0; i < rank; i++) id[i] = i == axis ? r.nextInt(7) : r.nextInt(xd[i] + 1);
            Tensor index = layoutIndex(r, r.nextBoolean(), xd[axis], id);
            assertGather(x.gather(r.nextBoolean() ? axis : axis - rank, index), x, axis, index);
        }
    }

    @Test
    void gatherLargeTensorsUsesParallelPathCorrectly() {
        Random r = new Random(12);
        for (Layout layout : Layout.values()) {
            Tensor x = random(r, DType.FLOAT32, layout, 300, 400);
            Tensor i0 = randomIndex(r, false, 300, 500, 400);
            assertGather(x.gather(0, i0), x, 0, i0);
            Tensor i1 = randomIndex(r, true, 400, 300, 250);
            assertGather(x.gather(1, i1), x, 1, i1);
        }
    }

    @Test
    void gatherErrors() {
        Tensor x = Tensor.zeros(3, 4);
        assertThrowsWith(IllegalArgumentException.class, () -> x.gather(0, Tensor.zeros(2, 4)), "gather", "float32");
        assertThrowsWith(IllegalArgumentException.class, () -> x.gather(0, Tensor.zeros(DType.BOOL, 2, 4)),
                "gather", "bool");
        assertThrowsWith(IllegalArgumentException.class, () -> x.gather(0, Tensor.zeros(DType.INT64, 4)),
                "gather", "rank", "[4]", "[3, 4]");
        assertThrowsWith(IllegalArgumentException.class, () -> x.gather(0, Tensor.zeros(DType.INT64, 2, 5)),
                "gather", "[2, 5]", "[3, 4]", "dimension 1");
        assertThrowsWith(IllegalArgumentException.class, () -> x.gather(2, Tensor.zeros(DType.INT64, 2, 4)),
                "gather", "axis 2");
        assertThrowsWith(IndexOutOfBoundsException.class,
                () -> x.gather(1, Tensor.of(new long[] {0, 4}, 1, 2)), "gather", "index 4", "axis 1", "size 4");
        assertThrowsWith(IndexOutOfBoundsException.class,
                () -> x.gather(0, Tensor.of(new int[] {0, -1}, 1, 2)), "gather", "index -1", "axis 0", "size 3", "negative");
        // A bad index in a large, parallel-sized gather still surfaces as a clear error on the caller.
        int[] big = new int[200 * 400];
        big[big.length - 7] = 300;
        assertThrowsWith(IndexOutOfBoundsException.class,
                () -> Tensor.zeros(300, 400).gather(0, Tensor.of(big, 200, 400)), "gather", "index 300", "size 300");
    }

    private static void assertIndexSelect(Tensor out, Tensor x, int axis, Tensor index) {
        int[] expected = x.dims();
        expected[axis] = index.dim(0);
        assertEquals(Shape.of(expected), out.shape());
        assertEquals(x.dtype(), out.dtype());
        forEachIndex(expected, idx -> {
            int[] src = idx.clone();
            src[axis] = (int) index.getLong(idx[axis]);
            assertEquals(x.get(src), out.get(idx), 0, () -> "at " + Arrays.toString(idx));
        });
    }

    @Test
    void indexSelectMatchesReferenceForRandomShapesAxesDtypesAndLayouts() {
        Random r = new Random(13);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(4);
            int axis = r.nextInt(rank);
            int[] xd = TestTensors.dims(r, rank);
            xd[axis] = 1 + r.nextInt(5);
            Tensor x = random(r, TestTensors.dtype(r), TestTensors.layout(r), xd);
            Tensor index = randomIndex(r, r.nextBoolean(), xd[axis], r.nextInt(8)); // repeats are likely
            if (r.nextBoolean()) {
                index = randomIndex(r, index.dtype() == DType.INT64, xd[axis], 2 * index.dim(0)).slice(0, 0, 2 * index.dim(0), 2);
            }
            assertIndexSelect(x.indexSelect(r.nextBoolean() ? axis : axis - rank, index), x, axis, index);
        }
    }

    @Test
    void indexSelectEmbeddingLookupIsCorrectAtParallelSizes() {
        Random r = new Random(14);
        Tensor table = random(r, DType.FLOAT32, 1000, 64);
        Tensor ids = randomIndex(r, true, 1000, 4096);
        assertIndexSelect(table.indexSelect(0, ids), table, 0, ids);
        Tensor t = random(r, DType.FLOAT32, Layout.TRANSPOSED, 500, 300);
        Tensor cols = randomIndex(r, false, 300, 700);
        assertIndexSelect(t.indexSelect(1, cols), t, 1, cols);
        // Whole slices [20] along a middle axis, with outer dims: the arraycopy path, int32 and int64 indices.
        Tensor c = random(r, DType.FLOAT64, 3, 50, 20);
        for (boolean longs : new boolean[] {true, false}) {
            Tensor idx = randomIndex(r, longs, 50, 40);
            assertIndexSelect(c.indexSelect(1, idx), c, 1, idx);
            assertIndexSelect(c.indexSelect(1, idx.slice(0, 0, 40, 3)), c, 1, idx.slice(0, 0, 40, 3));
        }
    }

    @Test
    void indexSelectErrors() {
        Tensor x = Tensor.zeros(3, 4);
        assertThrowsWith(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.zeros(DType.INT64, 2, 2)),
                "indexSelect", "rank 1", "[2, 2]");
        assertThrowsWith(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.zeros(2)),
                "indexSelect", "float32");
        assertThrowsWith(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.of(new long[] {1, 4}, 2)),
                "indexSelect", "index 4", "axis 1", "size 4");
        assertThrowsWith(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(new int[] {-2}, 1)),
                "indexSelect", "index -2", "axis 0", "size 3");
        assertThrowsWith(IllegalArgumentException.class, () -> x.indexSelect(-3, Tensor.of(new int[] {0}, 1)),
                "indexSelect", "axis -3");
    }

    /** Reference scatter-add in double arithmetic (bool: or), then converted to the output dtype. */
    private static void assertScatterAdd(Tensor out, Tensor x, int axis, Tensor index, Tensor source) {
        DType dtype = DType.promote(x.dtype(), source.dtype());
        assertEquals(x.shape(), out.shape());
        assertEquals(dtype, out.dtype());
        double[] expected = new double[x.size()];
        int[] strides = x.shape().contiguousStrides();
        forEachIndex(x.dims(), idx -> {
            int p = 0;
            for (int i = 0; i < idx.length; i++) p += idx[i] * strides[i];
            expected[p] = as(x.get(idx), dtype);
        });
        forEachIndex(index.dims(), idx -> {
            int p = 0;
            for (int i = 0; i < idx.length; i++) p += (i == axis ? (int) index.getLong(idx) : idx[i]) * strides[i];
            double s = as(source.get(idx), dtype);
            expected[p] = dtype == DType.BOOL ? (expected[p] != 0 || s != 0 ? 1 : 0) : expected[p] + s;
        });
        forEachIndex(x.dims(), idx -> {
            int p = 0;
            for (int i = 0; i < idx.length; i++) p += idx[i] * strides[i];
            assertEquals(as(expected[p], dtype), out.get(idx), 0, () -> "at " + Arrays.toString(idx));
        });
    }

    @Test
    void scatterAddMatchesReferenceWithRepeatedIndices() {
        Random r = new Random(15);
        for (int trial = 0; trial < 400; trial++) {
            int rank = 1 + r.nextInt(4);
            int axis = r.nextInt(rank);
            int[] xd = TestTensors.dims(r, rank);
            xd[axis] = 1 + r.nextInt(4);
            DType dtype = TestTensors.dtype(r);
            Tensor x = random(r, dtype, TestTensors.layout(r), xd);
            int[] id = new int[rank];
            int[] sd = new int[rank];
            for (int i = 0; i < rank; i++) {
                id[i] = i == axis ? r.nextInt(7) : r.nextInt(xd[i] + 1);
                sd[i] = id[i] + (r.nextInt(4) == 0 ? 1 : 0); // source may be larger than the index
            }
            Tensor index = layoutIndex(r, r.nextBoolean(), xd[axis], id);
            Tensor source = random(r, r.nextInt(4) == 0 ? TestTensors.dtype(r) : dtype, TestTensors.layout(r), sd);
            Tensor xBefore = x.copy();
            Tensor out = x.scatterAdd(r.nextBoolean() ? axis : axis - rank, index, source);
            assertScatterAdd(out, x, axis, index, source);
            assertEquals(xBefore, x, "the input is not modified");
        }
    }

    @Test
    void scatterAddAccumulatesRepeatsExactly() {
        Tensor x = Tensor.zeros(3);
        Tensor out = x.scatterAdd(0, Tensor.of(new int[] {1, 1, 1, 2, 1}, 5), Tensor.of(new float[] {1, 2, 3, 4, 5}, 5));
        assertArrayEquals(new float[] {0, 11, 4}, out.toFloatArray());
        Tensor m = Tensor.zeros(DType.INT64, 2, 2)
                .scatterAdd(1, Tensor.of(new long[] {0, 0, 1, 1}, 2, 2), Tensor.of(new long[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new long[] {3, 0, 0, 7}, m.toLongArray());
    }

    @Test
    void scatterAddLargeTensorsAreRaceFree() {
        Random r = new Random(16);
        // Embedding gradient: an index broadcast along the row, heavy repeats over 50 rows.
        int n = 6000;
        int dim = 64;
        Tensor ids = randomIndex(r, true, 50, n);
        Tensor grad = random(r, DType.FLOAT32, n, dim);
        Tensor index = ids.reshape(n, 1).expand(n, dim);
        Tensor table = Tensor.zeros(50, dim);
        assertScatterAdd(table.scatterAdd(0, index, grad), table, 0, index, grad);
        for (Layout layout : Layout.values()) {
            Tensor x = random(r, DType.FLOAT32, layout, 40, 300);
            Tensor i0 = randomIndex(r, false, 40, 500, 300);
            Tensor s0 = random(r, DType.FLOAT32, layout, 500, 300);
            assertScatterAdd(x.scatterAdd(0, i0, s0), x, 0, i0, s0);
            Tensor i1 = randomIndex(r, true, 30, 400, 200);
            Tensor s1 = random(r, DType.FLOAT64, layout, 400, 200);
            Tensor x1 = random(r, DType.FLOAT64, layout, 400, 30);
            assertScatterAdd(x1.scatterAdd(1, i1, s1), x1, 1, i1, s1);
        }
        // One long axis and nothing else to split over: the serial path.
        Tensor i = randomIndex(r, false, 10, 100_000);
        Tensor s = random(r, DType.INT32, 100_000);
        Tensor x = Tensor.zeros(DType.INT32, 10);
        assertScatterAdd(x.scatterAdd(0, i, s), x, 0, i, s);
    }

    @Test
    void scatterAddErrors() {
        Tensor x = Tensor.zeros(3, 4);
        Tensor src = Tensor.ones(2, 4);
        assertThrowsWith(IllegalArgumentException.class, () -> x.scatterAdd(0, Tensor.zeros(2, 4), src),
                "scatterAdd", "float32");
        assertThrowsWith(IllegalArgumentException.class, () -> x.scatterAdd(0, Tensor.zeros(DType.INT64, 2, 5), src),
                "scatterAdd", "[2, 5]", "[3, 4]");
        assertThrowsWith(IllegalArgumentException.class, () -> x.scatterAdd(0, Tensor.zeros(DType.INT64, 2, 4),
                Tensor.ones(1, 4)), "scatterAdd", "source", "[1, 4]", "[2, 4]", "dimension 0");
        assertThrowsWith(IllegalArgumentException.class, () -> x.scatterAdd(0, Tensor.zeros(DType.INT64, 8), src),
                "scatterAdd", "rank");
        assertThrowsWith(IndexOutOfBoundsException.class,
                () -> x.scatterAdd(0, Tensor.of(new int[] {0, 1, 2, 3, 0, 0, 0, 0}, 2, 4), src),
                "scatterAdd", "index 3", "axis 0", "size 3");
        assertThrowsWith(IndexOutOfBoundsException.class,
                () -> x.scatterAdd(1, Tensor.of(new long[] {-1}, 1, 1), src), "scatterAdd", "index -1", "axis 1", "size 4");
    }

    @Test
    void oneHotMatchesReference() {
        Random r = new Random(17);
        for (int trial = 0; trial < 50; trial++) {
            int[] d = TestTensors.dims(r, r.nextInt(3));
            int classes = 1 + r.nextInt(6);
            Tensor idx = randomIndex(r, r.nextBoolean(), classes, d);
            Tensor out = Tensor.oneHot(idx, classes);
            int[] expected = Arrays.copyOf(d, d.length + 1);
            expected[d.length] = classes;
            assertEquals(Shape.of(expected), out.shape());
            assertEquals(DType.FLOAT32, out.dtype());
            forEachIndex(expected, o -> {
                double e = idx.getLong(Arrays.copyOf(o, d.length)) == o[d.length] ? 1 : 0;
                assertEquals(e, out.get(o), 0);
            });
        }
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, Tensor.oneHot(Tensor.of(new int[] {1, 2}, 2), 3).toFloatArray());
        assertEquals(Shape.of(0, 0), Tensor.oneHot(Tensor.zeros(DType.INT64, 0), 0).shape());
    }

    @Test
    void oneHotErrors() {
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.oneHot(Tensor.zeros(2), 3), "oneHot", "float32");
        assertThrowsWith(IndexOutOfBoundsException.class, () -> Tensor.oneHot(Tensor.of(new int[] {0, 3}, 2), 3),
                "oneHot", "index 3", "3");
        assertThrowsWith(IndexOutOfBoundsException.class, () -> Tensor.oneHot(Tensor.of(new long[] {-1}, 1), 3),
                "oneHot", "index -1", "negative");
        assertThrowsWith(IllegalArgumentException.class, () -> Tensor.oneHot(Tensor.of(new long[] {0}, 1), -2),
                "oneHot", "-2");
    }
}

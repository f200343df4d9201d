package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Reductions against double-precision (or exact long) reference loops, on random shapes, all axis
 * subsets, every dtype and contiguous as well as strided inputs; plus NaN, ties, stability and errors.
 */
class ReductionsTest {
    /** The types with kernels of their own; the storage types (float16...) reduce in those (HalfTypesTest). */
    private static final DType[] DTYPES = {DType.BOOL, DType.INT32, DType.INT64, DType.FLOAT32, DType.FLOAT64};

    // ------------------------------------------------------------------ reference

    /** Flags of the reduced axes for a bit mask (mask 0 means all axes, as an empty axes array). */
    private static boolean[] flags(int mask, int rank) {
        boolean[] red = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            red[i] = mask == 0 || (mask >> i & 1) != 0;
        }
        return red;
    }

    /** Memo of {@link #outIndex}: the large inputs are checked for several ops and thread counts. */
    private static final java.util.Map<String, int[]> OUT_INDEX = new java.util.HashMap<>();

    /** Output position of each input element (row-major over the kept axes). */
    private static int[] outIndex(int[] dims, boolean[] red) {
        String key = Arrays.toString(dims) + Arrays.toString(red);
        int[] cached = OUT_INDEX.get(key);
        if (cached == null) {
            cached = computeOutIndex(dims, red);
            if (cached.length >= 1 << 16) {
                OUT_INDEX.put(key, cached);
            }
        }
        return cached;
    }

    private static int[] computeOutIndex(int[] dims, boolean[] red) {
        int size = Shape.of(dims).size();
        int[] out = new int[size];
        for (int e = 0; e < size; e++) {
            int rem = e;
            int o = 0;
            int mult = 1;
            for (int i = dims.length - 1; i >= 0; i--) {
                int idx = rem % dims[i];
                rem /= dims[i];
                if (!red[i]) {
                    o += idx * mult;
                    mult *= dims[i];
                }
            }
            out[e] = o;
        }
        return out;
    }

    private static int outSize(int[] dims, boolean[] red) {
        int n = 1;
        for (int i = 0; i < dims.length; i++) {
            n *= red[i] ? 1 : dims[i];
        }
        return n;
    }

    private static double[] refDouble(ReduceOp op, double[] v, int[] dims, boolean[] red) {
        double[] acc = new double[outSize(dims, red)];
        Arrays.fill(acc, op.identity());
        int[] oi = outIndex(dims, red);
        for (int e = 0; e < v.length; e++) {
            acc[oi[e]] = op.combine(acc[oi[e]], v[e]);
        }
        return acc;
    }

    private static long[] refLong(ReduceOp op, long[] v, int[] dims, boolean[] red) {
        long[] acc = new long[outSize(dims, red)];
        Arrays.fill(acc, op.identityLong());
        int[] oi = outIndex(dims, red);
        for (int e = 0; e < v.length; e++) {
            acc[oi[e]] = op.combine(acc[oi[e]], v[e]);
        }
        return acc;
    }

    private static int[] axesFor(int mask, int rank, Random rng) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if ((mask >> i & 1) != 0) {
                axes.add(rng.nextBoolean() ? i - rank : i); // negative axes half of the time
            }
        }
        java.util.Collections.shuffle(axes, rng);
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] expectedDims(int[] dims, boolean[] red, boolean keep) {
        return java.util.stream.IntStream.range(0, dims.length).filter(i -> keep || !red[i])
                .map(i -> red[i] ? 1 : dims[i]).toArray();
    }

    // ------------------------------------------------------------------ random inputs and views

    private static Tensor random(Random rng, DType dtype, int[] dims) {
        Shape s = Shape.of(dims);
        return switch (dtype) {
            case FLOAT32, FLOAT64 -> Tensor.randn(rng, dtype, dims);
            case INT32, INT64 -> Tensor.randint(rng, -5, 6, dims).to(dtype);
            case BOOL -> Tensor.randint(rng, 0, 2, dims).to(DType.BOOL);
            default -> throw new IllegalArgumentException(dtype.label());
        } ;
    }

    /** Tensors of shape {@code dims}: contiguous, permuted, step-sliced, offset, expanded (when possible). */
    private static List<Tensor> variants(Random rng, DType dtype, int[] dims) {
        List<Tensor> out = new ArrayList<>();
        int rank = dims.length;
        out.add(random(rng, dtype, dims));
        if (rank >= 2) {
            int[] perm = java.util.stream.IntStream.range(0, rank).toArray();
            for (int i = rank - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            int[] baseDims = new int[rank];
            for (int i = 0; i < rank; i++) {
                baseDims[perm[i]] = dims[i];
            }
            // base.permute(perm) has dims[i] = baseDims[perm[i]].
            out.add(random(rng, dtype, baseDims).permute(perm));
        }
        if (rank >= 1) {
            int a = rng.nextInt(rank);
            int[] big = dims.clone();
            big[a] = dims[a] * 2 + 1;
            out.add(random(rng, dtype, big).slice(a, 1, big[a], 2));
            int[] taller = dims.clone();
            taller[0] = dims[0] + 2;
            out.add(random(rng, dtype, taller).slice(0, 1, dims[0] + 1)); // dense, at an offset
            int[] small = dims.clone();
            small[a] = 1;
            out.add(random(rng, dtype, small).expand(dims));
        }
        return out;
    }

    private static int[] randomDims(Random rng, int rank) {
        int[] choices = {0, 1, 1, 2, 3, 4, 5, 7, 17};
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = choices[rng.nextInt(choices.length)];
        }
        return d;
    }

    // ------------------------------------------------------------------ checks

    private static void check(ReduceOp op, Tensor x, int mask, boolean keep, Random rng) {
        int rank = x.rank();
        int[] dims = x.dims();
        boolean[] red = flags(mask, rank);
        int[] axes = axesFor(mask, rank, rng);
        String what = op + " axes " + Arrays.toString(axes) + " keep " + keep + " of " + x.type()
                + " strides " + Arrays.toString(x.strides());
        boolean empty = false;
        for (int i = 0; i < rank; i++) {
            empty |= red[i] && dims[i] == 0;
        }
        if (op.needsElements() && empty) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> apply(op, x, axes, keep), what);
            assertTrue(e.getMessage().startsWith(op.label() + ":") && e.getMessage().contains(x.shape().toString()),
                    e.getMessage());
            return;
        }
        Tensor y = apply(op, x, axes, keep);
        assertArrayEquals(expectedDims(dims, red, keep), y.dims(), what);
        assertEquals(op.resultType(x.dtype()), y.dtype(), what);
        if (x.dtype().isFloatingPoint()) {
            double[] v = x.toDoubleArray();
            double[] exp = refDouble(op, v, dims, red);
            double[] abs = op != ReduceOp.SUM ? null
                    : refDouble(ReduceOp.SUM, Arrays.stream(v).map(Math::abs).toArray(), dims, red);
            double[] got = y.toDoubleArray();
            boolean f32 = x.dtype() == DType.FLOAT32;
            for (int k = 0; k < exp.length; k++) {
                double e = f32 ? (float) exp[k] : exp[k];
                double tol = op == ReduceOp.SUM ? (f32 ? 1e-5 : 1e-12) * (abs[k] + 1)
                        : op == ReduceOp.PROD ? (f32 ? 1e-5 : 1e-12) * Math.abs(e) : 0;
                assertTrue(Math.abs(got[k] - e) <= tol || got[k] == e, what + " at " + k + ": " + got[k] + " vs " + e);
            }
        } else {
            long[] exp = refLong(op, x.toLongArray(), dims, red);
            if (y.dtype() == DType.BOOL) {
                exp = Arrays.stream(exp).map(l -> l != 0 ? 1 : 0).toArray();
            } else if (y.dtype() == DType.INT32) {
                exp = Arrays.stream(exp).map(l -> (int) l).toArray();
            }
            assertArrayEquals(exp, y.toLongArray(), what);
        }
    }

    private static Tensor apply(ReduceOp op, Tensor x, int[] axes, boolean keep) {
        return switch (op) {
            case SUM -> x.sum(axes, keep);
            case PROD -> x.prod(axes, keep);
            case MAX -> x.max(axes, keep);
            case MIN -> x.min(axes, keep);
        };
    }

    @Test
    void randomShapesAllAxisSubsetsAllDtypesAndLayouts() {
        Random rng = new Random(42);
        for (int trial = 0; trial < 40; trial++) {
            int rank = trial % 5;
            int[] dims = randomDims(rng, rank);
            for (DType dtype : DTYPES) {
                for (Tensor x : variants(rng, dtype, dims)) {
                    for (int mask = 0; mask < 1 << rank; mask++) {
                        for (ReduceOp op : ReduceOp.values()) {
                            if (dtype == DType.FLOAT32 && op == ReduceOp.PROD) {
                                x = x.mul(0.25).add(1); // keep products of up to 17^4 factors in range
                            }
                            check(op, x, mask, false, rng);
                            check(op, x, mask, true, rng);
                        }
                    }
                }
            }
        }
    }

    @Test
    void largeInputsTakeTheParallelPaths() {
        Random rng = new Random(7);
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {saved, 4}) {
                Parallel.setThreads(threads);
                // More threads than cores still splits the same ways; a few shapes suffice for that pass.
                int[][] shapes = threads == saved
                        ? new int[][] {{1 << 20}, {3, 1 << 19}, {1 << 19, 3}, {1 << 17, 8}, {8, 1 << 17},
                            {64, 128, 129}, {5, 1 << 16, 3}}
                        : new int[][] {{1 << 20}, {3, 1 << 19}, {1 << 17, 8}};
                for (int[] dims : shapes) {
                    Tensor x = Tensor.randn(rng, dims);
                    for (int mask = 0; mask < 1 << dims.length; mask++) {
                        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                            check(op, x, mask, false, rng);
                        }
                    }
                    check(ReduceOp.SUM, x.to(DType.INT32), 0, false, rng);
                    check(ReduceOp.MAX, x.to(DType.FLOAT64), 0, false, rng);
                }
                // A transposed large matrix reduces without a copy, its kept axis in storage order.
                Tensor t = Tensor.randn(rng, 1 << 10, 1 << 9).transpose();
                for (int mask = 1; mask < 4; mask++) {
                    check(ReduceOp.SUM, t, mask, true, rng);
                }
                check(ReduceOp.SUM, Tensor.randn(rng, 3, 4, 1 << 12).permute(2, 0, 1), 0b001, false, rng);
                check(ReduceOp.MAX, Tensor.randn(rng, 3, 4, 1 << 12).permute(1, 2, 0), 0b010, false, rng);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void separateReducedBlocksAreReducedInSteps() {
        // Axes 0, 2, 3 of [N, C, H, W] (batch norm statistics) form two blocks in storage order.
        Random rng = new Random(13);
        for (DType dtype : DTYPES) {
            Tensor x = random(rng, dtype, new int[] {6, 5, 33, 34});
            for (ReduceOp op : ReduceOp.values()) {
                Tensor in = op == ReduceOp.PROD && dtype.isFloatingPoint() ? x.mul(0.01).add(1) : x;
                check(op, in, 0b1101, false, rng);
                check(op, in, 0b0101, true, rng);
                check(op, in.permute(3, 1, 0, 2), 0b0101, false, rng); // W and N: two blocks of a permuted view
            }
        }
    }

    @Test
    void largeSumIsAccurate() {
        // 1<<22 copies of 0.1f: a naive float loop drifts by percent; blocked double accumulation does not.
        Tensor x = Tensor.full(0.1, 1 << 22);
        double expected = (1 << 22) * (double) 0.1f;
        assertEquals(expected, x.sum().item(), expected * 1e-6);
        assertEquals(expected / 8, x.reshape(8, -1).sum(new int[] {1}, false).get(3), expected * 1e-6);
        assertEquals(expected / 64, x.reshape(-1, 64).sum(0).get(5), expected * 1e-6);
    }

    // ------------------------------------------------------------------ dtypes, empty, NaN

    @Test
    void resultTypes() {
        Tensor b = Tensor.of(new boolean[] {true, false, true}, 3);
        assertEquals(DType.INT64, b.sum().dtype());
        assertEquals(2, b.sum().getLong());
        assertEquals(DType.BOOL, b.max().dtype());
        assertEquals(1, b.max().getLong());
        assertEquals(0, b.min().getLong());
        assertEquals(DType.INT64, Tensor.of(new int[] {1 << 30, 1 << 30, 1 << 30}, 3).sum().dtype());
        assertEquals(3L << 30, Tensor.of(new int[] {1 << 30, 1 << 30, 1 << 30}, 3).sum().getLong());
        assertEquals(DType.INT32, Tensor.of(new int[] {4, -2}, 2).max().dtype());
        assertEquals(DType.INT64, Tensor.of(new int[] {4, -2}, 2).prod().dtype());
        assertEquals(DType.FLOAT64, Tensor.of(new double[] {1, 2}, 2).sum().dtype());
        assertEquals(DType.FLOAT32, Tensor.of(new int[] {1, 2}, 2).mean().dtype());
        assertEquals(1.5, Tensor.of(new int[] {1, 2}, 2).mean().item());
        assertEquals(Long.MAX_VALUE, Tensor.of(new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1}, 2).max().getLong());
        Tensor s = Tensor.scalar(3.5);
        assertEquals(3.5, s.sum().item());
        assertEquals(0, s.sum().rank());
        assertEquals(3.5, s.max(new int[0], true).item());
    }

    @Test
    void emptyReductions() {
        Tensor x = Tensor.zeros(2, 0);
        assertArrayEquals(new float[] {0, 0}, x.sum(1).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, x.prod(new int[] {1}, false).toFloatArray());
        assertArrayEquals(new int[] {0}, x.sum(0).dims());
        assertArrayEquals(new int[] {0}, x.max(0).dims()); // reducing a non-empty axis of an empty tensor
        assertEquals(0, Tensor.zeros(DType.INT32, 0).sum().getLong());
        assertTrue(Double.isNaN(x.mean().item()));
        assertEquals(Double.NEGATIVE_INFINITY, x.logsumexp(new int[] {1}, false).get(1));
        for (String op : new String[] {"max", "min"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> {
                        Tensor unused = op.equals("max") ? x.max(1) : x.min(new int[0], false);
                    });
            assertTrue(e.getMessage().startsWith(op + ":") && e.getMessage().contains("[2, 0]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.argmax(1, false));
        assertTrue(e.getMessage().startsWith("argmax:") && e.getMessage().contains("[2, 0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0).argmin());
    }

    @Test
    void nanPropagates() {
        for (int n : new int[] {5, 64, 1000, 1 << 20}) {
            for (int pos : new int[] {0, n / 2, n - 1}) {
                float[] v = new float[n];
                Arrays.fill(v, 1f);
                v[pos] = Float.NaN;
                Tensor x = Tensor.of(v, n);
                assertTrue(Double.isNaN(x.sum().item()), "sum " + n + " " + pos);
                assertTrue(Double.isNaN(x.max().item()), "max " + n + " " + pos);
                assertTrue(Double.isNaN(x.min().item()), "min " + n + " " + pos);
                assertTrue(Double.isNaN(x.to(DType.FLOAT64).max().item()));
                assertEquals(pos, x.argmax().getLong());
                assertEquals(pos, x.argmin().getLong());
                if (n % 4 == 0) { // the column kernels
                    Tensor c = x.reshape(4, n / 4).max(new int[] {0}, false);
                    assertTrue(Double.isNaN(c.get(pos % (n / 4))));
                    assertEquals(1.0, c.get((pos + 1) % (n / 4)));
                    assertTrue(Double.isNaN(x.reshape(4, n / 4).min(0).get(pos % (n / 4))));
                }
            }
        }
        Tensor inf = Tensor.vector(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertTrue(Double.isNaN(inf.sum().item()));
        assertEquals(Double.POSITIVE_INFINITY, inf.max().item());
        // Only the first NaN counts.
        assertEquals(1, Tensor.vector(1, Float.NaN, 5, Float.NaN).argmax().getLong());
    }

    // ------------------------------------------------------------------ argmax / argmin

    @Test
    void argReductionsMatchReferenceWithTies() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int rank = 1 + trial % 4;
            int[] dims = randomDims(rng, rank);
            for (DType dtype : DTYPES) {
                for (Tensor x : variants(rng, dtype, dims)) {
                    for (int axis = -rank; axis < rank; axis++) {
                        for (boolean max : new boolean[] {true, false}) {
                            checkArg(x, axis, max, rng.nextBoolean());
                        }
                    }
                }
            }
        }
    }

    private static void checkArg(Tensor x, int axis, boolean max, boolean keep) {
        int a = axis < 0 ? axis + x.rank() : axis;
        int[] dims = x.dims();
        if (dims[a] == 0) {
            assertThrows(IllegalArgumentException.class, () -> x.argmax(axis, keep));
            return;
        }
        Tensor y = max ? x.argmax(axis, keep) : x.argmin(axis, keep);
        boolean[] red = new boolean[dims.length];
        red[a] = true;
        assertArrayEquals(expectedDims(dims, red, keep), y.dims());
        assertEquals(DType.INT64, y.dtype());
        double[] v = x.toDoubleArray();
        int[] oi = outIndex(dims, red);
        double[] best = new double[outSize(dims, red)];
        long[] arg = new long[best.length];
        Arrays.fill(arg, -1);
        int inner = 1;
        for (int i = a + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        for (int e = 0; e < v.length; e++) {
            int k = oi[e];
            long pos = e / inner % dims[a];
            if (arg[k] < 0 || (max ? v[e] > best[k] : v[e] < best[k])) {
                best[k] = v[e];
                arg[k] = pos;
            }
        }
        assertArrayEquals(arg, y.toLongArray(), "arg" + (max ? "max" : "min") + " axis " + axis + " of " + x.type());
    }

    @Test
    void argmaxTiesAndScalars() {
        Tensor x = Tensor.fromNested(new float[][] {{1, 3, 3}, {2, 2, 0}});
        assertArrayEquals(new long[] {1, 0}, x.argmax(1, false).toLongArray());
        assertArrayEquals(new long[] {0, 2}, x.argmin(1, false).toLongArray());
        assertArrayEquals(new long[] {1, 0, 0}, x.argmax(0, false).toLongArray());
        assertArrayEquals(new int[] {2, 1}, x.argmax(-1, true).dims());
        assertEquals(1, x.argmax().getLong());
        assertEquals(5, x.argmin().getLong());
        assertEquals(0, Tensor.scalar(4).argmax(0, false).getLong());
        assertEquals(0, Tensor.scalar(4).argmax().getLong());
    }

    // ------------------------------------------------------------------ composites

    @Test
    void meanAndVariance() {
        Random rng = new Random(11);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 4, 5);
        double[] v = x.toDoubleArray();
        for (int mask = 0; mask < 8; mask++) {
            boolean[] red = flags(mask, 3);
            int[] axes = axesFor(mask, 3, rng);
            double[] sum = refDouble(ReduceOp.SUM, v, x.dims(), red);
            int n = v.length / sum.length;
            int[] oi = outIndex(x.dims(), red);
            double[] ss = new double[sum.length];
            for (int e = 0; e < v.length; e++) {
                double d = v[e] - sum[oi[e]] / n;
                ss[oi[e]] += d * d;
            }
            double[] mean = x.mean(axes, false).toDoubleArray();
            double[] var0 = x.variance(axes, 0, false).toDoubleArray();
            double[] var1 = x.variance(axes, 1, true).toDoubleArray();
            assertArrayEquals(expectedDims(x.dims(), red, true), x.variance(axes, 1, true).dims());
            for (int k = 0; k < sum.length; k++) {
                assertEquals(sum[k] / n, mean[k], 1e-12);
                assertEquals(ss[k] / n, var0[k], 1e-12);
                assertEquals(ss[k] / (n - 1), var1[k], 1e-12);
            }
        }
        // Two passes keep the precision of data far from zero, where E[x^2] - E[x]^2 would cancel.
        Tensor shifted = Tensor.of(new float[] {10000.1f, 10000.2f, 10000.3f, 10000.4f}, 4);
        assertEquals(0.0125, shifted.variance(new int[0], 0, false).item(), 2e-4);
        assertEquals(DType.FLOAT32, Tensor.of(new int[] {1, 2, 4}, 3).variance(new int[0], 1, false).dtype());
        assertEquals(7.0 / 3, Tensor.of(new int[] {1, 2, 4}, 3).variance(new int[0], 1, false).item(), 1e-6);
        assertTrue(Double.isNaN(Tensor.vector(5).variance(new int[0], 1, false).item())); // 0 / 0
        assertEquals(Double.POSITIVE_INFINITY,
                Tensor.vector(5, 6).variance(new int[] {0}, 2, false).item()); // 0.5 / 0
    }

    @Test
    void varianceWithACorrectionBeyondTheCountIsInfOrNaNNeverNegative() {
        // Issue 9: (n - correction) < 0 in the denominator gave negative variances. PyTorch divides by
        // max(0, n - correction).
        Tensor x = Tensor.of(new float[] {1, 2, 4, 3, 3, 3}, 2, 3);
        float[] v = x.variance(new int[] {1}, 5, false).toFloatArray();
        assertEquals(Float.POSITIVE_INFINITY, v[0]); // positive sum of squares / 0
        assertTrue(Float.isNaN(v[1]), "0 / 0 for a constant row, got " + v[1]);
        assertEquals(Double.POSITIVE_INFINITY, Tensor.rand(1, 2, 3).variance(new int[] {1}, 5, false).min().item());
        assertEquals(Double.POSITIVE_INFINITY, Tensor.vector(1, 2).variance(new int[0], 3, true).item());
    }

    @Test
    void varianceOfNoElementsIsNaN() {
        // Issue 9: the empty sum 0 divided by (0 - 1) gave -0.0.
        for (int correction : new int[] {0, 1, 2}) {
            double all = Tensor.zeros(0).variance(new int[0], correction, false).item();
            assertTrue(Double.isNaN(all), "correction " + correction + ": " + all);
            float[] rows = Tensor.zeros(3, 0).variance(new int[] {1}, correction, false).toFloatArray();
            assertEquals(3, rows.length);
            for (float r : rows) {
                assertTrue(Float.isNaN(r), "correction " + correction + ": " + r);
            }
        }
    }

    @Test
    void logsumexpIsStableAndMatchesReference() {
        assertEquals(1000 + Math.log(2), Tensor.vector(1000, 1000).logsumexp(new int[0], false).item(), 1e-3);
        assertEquals(-1000 + Math.log(2), Tensor.vector(-1000, -1000).logsumexp(new int[0], false).item(), 1e-3);
        assertEquals(3e38, Tensor.vector(3e38f, 3e38f).logsumexp(new int[0], false).item(), 1e33);
        float ninf = Float.NEGATIVE_INFINITY;
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.vector(ninf, ninf).logsumexp(new int[0], false).item());
        assertEquals(Double.POSITIVE_INFINITY, Tensor.vector(Float.POSITIVE_INFINITY, 1).logsumexp(new int[0], false).item());
        assertEquals(1.0, Tensor.vector(ninf, 1).logsumexp(new int[0], false).item(), 1e-6);
        assertTrue(Double.isNaN(Tensor.vector(Float.NaN, 1).logsumexp(new int[0], false).item()));
        Random rng = new Random(5);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 4).mul(30);
        double[] v = x.toDoubleArray();
        for (int mask = 0; mask < 4; mask++) {
            boolean[] red = flags(mask, 2);
            double[] exp = refDouble(ReduceOp.SUM, Arrays.stream(v).map(Math::exp).toArray(), x.dims(), red);
            int[] axes = axesFor(mask, 2, rng);
            Tensor y = x.logsumexp(axes, mask == 1);
            assertArrayEquals(expectedDims(x.dims(), red, mask == 1), y.dims());
            double[] got = y.toDoubleArray();
            for (int k = 0; k < exp.length; k++) {
                assertEquals(Math.log(exp[k]), got[k], 1e-9);
            }
        }
        assertEquals(DType.FLOAT32, Tensor.of(new int[] {1, 2}, 2).logsumexp(new int[0], false).dtype());
    }

    @Test
    void softmaxIsStable() {
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.vector(1000, 1000).softmax(0).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0.5f}, Tensor.vector(-1000, -1000).softmax(0).toFloatArray());
        assertArrayEquals(new float[] {0, 1}, Tensor.vector(-1000, 0).softmax(-1).toFloatArray());
        assertArrayEquals(new float[] {0, -2000}, Tensor.vector(1000, -1000).logSoftmax(0).toFloatArray(), 1e-3f);
        float[] ls = Tensor.vector(1e30f, 0).logSoftmax(0).toFloatArray();
        assertEquals(0, ls[0]);
        assertEquals(-1e30f, ls[1], 1e24f);
        float ninf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, 1}, Tensor.vector(ninf, 3).softmax(0).toFloatArray());
        assertArrayEquals(new float[] {ninf, 0}, Tensor.vector(ninf, 3).logSoftmax(0).toFloatArray());

        Random rng = new Random(9);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 6, 3).mul(10);
        for (int axis = -3; axis < 3; axis++) {
            Tensor s = x.softmax(axis);
            Tensor ls2 = x.logSoftmax(axis);
            assertTrue(s.sum(new int[] {axis}, false).allClose(Tensor.ones(DType.FLOAT64,
                    s.sum(new int[] {axis}, false).dims()), 1e-12, 1e-12));
            Tensor ref = x.exp().div(x.exp().sum(new int[] {axis}, true));
            assertTrue(s.allClose(ref, 1e-10, 1e-14), "softmax axis " + axis);
            assertTrue(ls2.allClose(ref.log(), 1e-9, 1e-9), "logSoftmax axis " + axis);
        }
        // Non-contiguous input and int input.
        Tensor t = Tensor.randn(rng, 5, 7).transpose();
        assertTrue(t.softmax(1).allClose(t.contiguous().softmax(1), 1e-6, 1e-7));
        assertEquals(DType.FLOAT32, Tensor.of(new int[] {1, 2}, 2).softmax(0).dtype());
        assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 3).softmax(0).dims());
    }

    // ------------------------------------------------------------------ errors and the primitive

    @Test
    void errorsNameTheOperationAndAxis() {
        Tensor x = Tensor.zeros(2, 3);
        String[][] cases = {
            {"sum", "axis 2"}, {"max", "axis -3"}, {"mean", "axis 5"}, {"variance", "axis 2"},
            {"logsumexp", "axis 2"}, {"softmax", "axis 2"}, {"logSoftmax", "axis -3"}, {"argmax", "axis 2"},
            {"argmin", "axis -3"}, {"prod", "axis 2"}, {"min", "axis 2"},
        };
        for (String[] c : cases) {
            int axis = Integer.parseInt(c[1].substring(5));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                Tensor unused = switch (c[0]) {
                case "sum" -> x.sum(axis);
                case "max" -> x.max(axis);
                case "min" -> x.min(axis);
                case "prod" -> x.prod(new int[] {axis}, false);
                case "mean" -> x.mean(axis);
                case "variance" -> x.variance(new int[] {axis}, 1, false);
                case "logsumexp" -> x.logsumexp(new int[] {axis}, false);
                case "softmax" -> x.softmax(axis);
                case "logSoftmax" -> x.logSoftmax(axis);
                case "argmax" -> x.argmax(axis, false);
                default -> x.argmin(axis, true);
                };
            }, c[0]);
            assertTrue(e.getMessage().startsWith(c[0] + ":") && e.getMessage().contains(c[1]), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {1, -1}, false));
        assertTrue(e.getMessage().startsWith("sum:") && e.getMessage().contains("repeated"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> x.mean(new int[] {0, 0}, false));
        assertTrue(e.getMessage().startsWith("mean:"), e.getMessage());
    }

    @Test
    void primitiveValueSemantics() {
        Reduce a = new Reduce(ReduceOp.SUM, new int[] {0, 2}, true);
        Reduce b = new Reduce(ReduceOp.SUM, new int[] {0, 2}, true);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new Reduce(ReduceOp.SUM, new int[] {0, 2}, false));
        assertNotEquals(a, new Reduce(ReduceOp.MAX, new int[] {0, 2}, true));
        assertTrue(a.toString().contains("[0, 2]"), a.toString());
        assertEquals("sum", a.name());
        assertEquals(new ArgReduce(true, 1, false), new ArgReduce(true, 1, false));
        assertEquals("argmin", new ArgReduce(false, 1, false).name());
        // The shape rule works on types alone.
        assertEquals("int64[1, 3, 1]", a.outputType(Tensor.zeros(DType.INT32, 2, 3, 4).type()).toString());
        assertThrows(IllegalArgumentException.class,
                () -> new Reduce(ReduceOp.MIN, new int[] {1}, false).outputType(Tensor.zeros(3, 0).type()));
    }

    /** Throwaway timing of 10M-element float32 sum and max against System.arraycopy; not a test. */
    @Disabled("timing, run by hand")
    @Test
    void timeLargeReductions() {
        int n = 10_000_000;
        Tensor x = Tensor.rand(1, n);
        float[] src = storage(x).floats();
        float[] dst = new float[n];
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) x.sum();
            long t1 = System.nanoTime();
            for (int i = 0; i < 20; i++) x.max();
            long t2 = System.nanoTime();
            for (int i = 0; i < 20; i++) System.arraycopy(src, 0, dst, 0, n);
            long t3 = System.nanoTime();
            System.out.printf("sum %.2f ms  max %.2f ms  arraycopy %.2f ms%n",
                    (t1 - t0) / 20e6, (t2 - t1) / 20e6, (t3 - t2) / 20e6);
        }
    }

    /** A bias gradient's sum over the batch and the planes: close to the double sum, the same bits on any threads. */
    @Test
    void batchChannelSumsAreCloseAndIndependentOfThreads() {
        int saved = Parallel.threads();
        try {
            for (int[] dims : new int[][] {{64, 32, 26, 26}, {64, 64, 11, 11}, {3, 5, 7}, {2, 3, 4, 5, 6}, {9, 70, 1, 1}}) {
                Tensor x = Tensor.randn(11, dims);
                int[] axes = new int[dims.length - 1];
                axes[0] = 0;
                for (int k = 1; k < axes.length; k++) {
                    axes[k] = k + 1;
                }
                float[] a = x.toFloatArray();
                int n = dims[0], c = dims[1], l = a.length / (n * c);
                float[] first = null;
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] got = x.sum(axes, true).toFloatArray();
                    assertEquals(c, got.length);
                    for (int ch = 0; ch < c; ch++) {
                        double want = 0;
                        for (int b = 0; b < n; b++) {
                            for (int j = 0; j < l; j++) {
                                want += a[(b * c + ch) * l + j];
                            }
                        }
                        assertEquals(want, got[ch], 1e-5 * Math.sqrt(n * l) + 1e-6, Arrays.toString(dims) + " channel " + ch);
                    }
                    if (first == null) {
                        first = got;
                    } else {
                        assertArrayEquals(first, got, Arrays.toString(dims) + " on " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}

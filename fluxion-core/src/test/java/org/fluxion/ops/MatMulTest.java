package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import static org.fluxion.testing.MessageAssertions.assertMessage;

class MatMulTest {
    private final RandomTensors random = new RandomTensors(3);

    /** Reference product of [.., n, k] and [.., k, m] after explicit broadcasting, via get(). */
    private static Tensor reference(Tensor a, Tensor b) {
        boolean av = a.rank() == 1;
        boolean bv = b.rank() == 1;
        Tensor x = av ? a.unsqueeze(0) : a;
        Tensor y = bv ? b.unsqueeze(1) : b;
        int n = x.dim(-2);
        int k = x.dim(-1);
        int m = y.dim(-1);
        int[] xb = java.util.Arrays.copyOf(x.dims(), x.rank() - 2);
        int[] yb = java.util.Arrays.copyOf(y.dims(), y.rank() - 2);
        Shape batch = Shape.broadcast("ref", Shape.of(xb), Shape.of(yb));
        int r = batch.rank();
        int[] xs = java.util.Arrays.copyOf(batch.dims(), r + 2);
        xs[r] = n;
        xs[r + 1] = k;
        int[] ys = java.util.Arrays.copyOf(batch.dims(), r + 2);
        ys[r] = k;
        ys[r + 1] = m;
        double[] xa = x.expand(xs).contiguous().toDoubleArray();
        double[] ya = y.expand(ys).contiguous().toDoubleArray();
        double[] out = new double[batch.size() * n * m];
        for (int p = 0; p < batch.size(); p++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        s += xa[p * n * k + i * k + l] * ya[p * k * m + l * m + j];
                    }
                    out[p * n * m + i * m + j] = s;
                }
            }
        }
        int[] od = java.util.Arrays.copyOf(batch.dims(), r + 2);
        od[r] = n;
        od[r + 1] = m;
        Tensor t = Tensor.of(out, od);
        if (bv) {
            t = t.squeeze(-1);
        }
        if (av) {
            t = t.squeeze(bv ? -1 : -2);
        }
        return t;
    }

    @Test
    void matchesReferenceWithBatchBroadcastingVectorsAndViews() {
        for (int trial = 0; trial < 80; trial++) {
            int n = 1 + random.random().nextInt(9);
            int k = random.random().nextInt(9);
            int m = 1 + random.random().nextInt(9);
            DType dtype = trial % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
            int caseKind = trial % 5;
            Tensor a;
            Tensor b;
            switch (caseKind) {
                case 0 -> {
                    a = random.values(dtype, n, k);
                    b = random.values(dtype, k, m);
                }
                case 1 -> {
                    a = random.values(dtype, 3, n, k);
                    b = random.values(dtype, k, m);
                }
                case 2 -> {
                    a = random.values(dtype, 2, 1, n, k);
                    b = random.values(dtype, 3, k, m);
                }
                case 3 -> {
                    a = random.values(dtype, k);
                    b = random.values(dtype, 2, k, m);
                }
                default -> {
                    a = random.values(dtype, n, k);
                    b = random.values(dtype, k);
                }
            }
            Tensor av = trial % 3 == 0 ? random.nonContiguous(a) : a;
            Tensor bv = trial % 4 == 1 ? random.nonContiguous(b) : b;
            Tensor y = av.matmul(bv);
            Tensor e = reference(a, b);
            assertEquals(e.shape(), y.shape(), "case " + caseKind);
            assertEquals(true, y.allClose(e.to(dtype), 1e-5, 1e-5), "case " + caseKind + "\n" + y + "\n" + e);
        }
    }

    @Test
    void stacksOfStridedViewsGiveTheBitsOfTheirCopies() {
        // attention's heads: q, k, v views of one [B, S, 3 * H * D] projection, k transposed; each product is
        // addressed by offset and strides into the projection's storage
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor qkv = random.values(dtype, 2, 5, 3 * 3 * 4).reshape(2, 5, 3, 3, 4).permute(2, 0, 3, 1, 4);
            Tensor q = qkv.slice(0, 0, 1).reshape(2, 3, 5, 4);
            Tensor kt = qkv.slice(0, 1, 2).reshape(2, 3, 5, 4).permute(0, 1, 3, 2);
            Tensor v = qkv.slice(0, 2, 3).reshape(2, 3, 5, 4);
            Tensor s = q.matmul(kt);
            Tensor sv = s.matmul(v);
            assertEquals(true, s.allClose(reference(q, kt).to(dtype), 1e-5, 1e-5), dtype + " q k^T");
            assertEquals(true, sv.allClose(reference(s, v).to(dtype), 1e-5, 1e-5), dtype + " s v");
            for (int b = 0; b < 2; b++) {
                for (int h = 0; h < 3; h++) {
                    // the same layouts as one rank-2 product of the same views: the same bits
                    assertEquals(q.select(0, b).select(0, h).matmul(kt.select(0, b).select(0, h)),
                            s.select(0, b).select(0, h), dtype + " q k^T " + b + "," + h);
                    assertEquals(s.select(0, b).select(0, h).matmul(v.select(0, b).select(0, h)),
                            sv.select(0, b).select(0, h), dtype + " s v " + b + "," + h);
                }
            }
            // rows repeated by a zero stride: no BLAS layout, so the product's operand is copied first
            Tensor rows = random.values(dtype, 3, 1, 5).broadcastTo(Shape.of(3, 5, 5));
            assertEquals(true, rows.matmul(v.select(0, 0)).allClose(reference(rows, v.select(0, 0)).to(dtype), 1e-5,
                    1e-5), dtype + " broadcast rows");
        }
    }

    @Test
    void intoInterleavedWritesEachHeadAcrossTheRowsAndRefusesWhatDoesNotFit() {
        Tensor a = random.values(DType.FLOAT32, 2, 3, 4, 5);
        Tensor b = random.values(DType.FLOAT32, 2, 3, 5, 6);
        Tensor y = Tensor.zeros(DType.FLOAT32, 2, 4, 3, 6);
        MatMul.intoInterleaved(a, b, y);
        assertEquals(a.matmul(b).permute(0, 2, 1, 3).contiguous(), y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.intoInterleaved(a, b, Tensor.zeros(DType.FLOAT32, 2, 3, 4, 6)));
        assertMessage(e, "[2, 3, 4, 6]", "[B, n, H, m]");
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.intoInterleaved(a, b, Tensor.zeros(DType.FLOAT32, 2, 3, 4, 6).permute(0, 2, 1, 3)));
    }

    @Test
    void transposedOperandsAreReadWithoutCopy() {
        Tensor a = Tensor.randn(1, 40, 30);
        Tensor b = Tensor.randn(2, 50, 40);
        Tensor y = a.transpose().matmul(b.transpose());
        assertEquals(true, y.allClose(reference(a.transpose(), b.transpose()).to(DType.FLOAT32), 1e-4, 1e-4));
        Tensor big = Tensor.randn(3, 130, 70);
        Tensor w = Tensor.randn(4, 70, 90);
        assertEquals(true, big.matmul(w).allClose(reference(big, w).to(DType.FLOAT32), 1e-4, 1e-4));
    }

    @Test
    void errors() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 2))), "matmul", "[2, 3]", "[4, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.INT32, 2, 2).matmul(Tensor.zeros(DType.INT32, 2, 2))), "matmul", "int32");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.scalar(1).matmul(Tensor.zeros(2))), "matmul", "rank");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 1))), "matmul", "[2]", "[3]");
    }

    @Test
    void accumulateAddsTheProductAndRejectsShapesThatDoNotChain() {
        Tensor a = Tensor.randn(1, 3, 4);
        Tensor b = Tensor.randn(2, 4, 2);
        Tensor y = Tensor.ones(3, 2);
        MatMul.accumulate(a, b, y);
        assertTrue(y.allClose(a.matmul(b).add(1), 1e-5, 1e-6));
        var e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.accumulate(a, b, Tensor.ones(2, 2)));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MatMul.accumulate(a, b, Tensor.ones(2, 3).transpose()));
    }

    /**
     * A stack of products too small for the GEMM to split (attention's heads) is shared out over the threads: each
     * product is still one thread's, so 1, 2 and 3 threads give the same bits, those of each matrix alone.
     */
    @Test
    void stacksOfSmallProductsSplitOverThreadsGiveTheSameBits() {
        Tensor q = random.values(DType.FLOAT32, 6, 4, 64, 64);
        Tensor k = random.values(DType.FLOAT32, 6, 4, 64, 64).transpose(-1, -2);
        int before = org.fluxion.kernels.Parallel.threads();
        try {
            Tensor[] out = new Tensor[3];
            for (int t = 1; t <= 3; t++) {
                org.fluxion.kernels.Parallel.setThreads(t);
                out[t - 1] = q.matmul(k);
            }
            assertEquals(out[0], out[1]);
            assertEquals(out[0], out[2]);
            assertEquals(q.select(0, 5).select(0, 3).matmul(k.select(0, 5).select(0, 3)), out[0].select(0, 5).select(0, 3));
        } finally {
            org.fluxion.kernels.Parallel.setThreads(before);
        }
    }

    /** Into a recycled buffer (garbage before): the same values as a fresh product, batched, 2-D and of depth 0. */
    @Test
    void computeIntoOverwritesWhatTheBufferHeld() {
        Tensor[][] cases = {
                {random.values(DType.FLOAT32, 2, 3, 5, 4), random.values(DType.FLOAT32, 3, 4, 6)},
                {random.values(DType.FLOAT64, 7, 9), random.values(DType.FLOAT64, 9, 5)},
                {random.values(DType.FLOAT32, 4, 9, 8), random.values(DType.FLOAT32, 8, 3)},
                {Tensor.zeros(DType.FLOAT32, 3, 0), Tensor.zeros(DType.FLOAT32, 0, 2)}};
        MatMul mm = new MatMul();
        for (Tensor[] in : cases) {
            var type = mm.outputType(in[0].type(), in[1].type());
            Storage buffer = Storage.allocate(type.dtype(), type.shape().size());
            for (int i = 0; i < type.shape().size(); i++) {
                buffer.setDouble(i, Double.NaN);
            }
            Tensor into = mm.computeInto(buffer, in);
            Tensor fresh = mm.compute(type, in);
            assertEquals(type.shape(), into.shape());
            assertTrue(java.util.Arrays.equals(fresh.toDoubleArray(), into.toDoubleArray()), "matmul into " + type);
            assertTrue(fresh.allClose(reference(in[0], in[1]), 1e-5, 1e-5), "matmul " + type);
        }
    }
}

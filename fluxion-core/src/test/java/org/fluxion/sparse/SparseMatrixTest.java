package org.fluxion.sparse;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the sparse layouts against its dense equivalent: values, and gradients with respect to
 * the sparse values and the dense operands (the dense path differentiates {@code toDense}).
 */
class SparseMatrixTest {
    /** A [5, 4] matrix with unsorted entries, a repeat at (3, 1) and an empty row 2. */
    static CooMatrix sample(DType dtype, boolean grad) {
        long[] r = {3, 0, 4, 3, 1, 4, 0};
        long[] c = {1, 2, 0, 1, 3, 3, 0};
        Tensor v = Tensor.of(new double[] {1.5, -2, 0.5, 3, 4, -1, 2.5}, 7).to(dtype);
        return CooMatrix.of(r, c, grad ? v.requiresGrad(true) : v, 5, 4);
    }

    static Tensor randn(long seed, DType dtype, int... dims) {
        return Tensor.randn(new java.util.SplittableRandom(seed), DType.FLOAT64, dims).to(dtype);
    }

    @Test
    void toDenseAddsRepeatsAndLeavesTheRestZero() {
        Tensor d = sample(DType.FLOAT64, false).toDense();
        assertEquals(4.5, d.get(3, 1));
        assertEquals(-2, d.get(0, 2));
        assertEquals(0, d.get(2, 2));
        assertEquals(7, sample(DType.FLOAT64, false).nnz());
    }

    @Test
    void productsEqualTheDenseProductsInBothLayoutsAndDtypes() {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (SparseMatrix s : List.<SparseMatrix>of(sample(dtype, false), sample(dtype, false).toCsr())) {
                Tensor dense = s.toDense();
                Tensor d = randn(1, dtype, 4, 3);
                Tensor t = randn(2, dtype, 5, 3);
                Tensor m = randn(3, dtype, 6, 4);
                double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                assertTrue(s.matmul(d).allClose(dense.matmul(d), tol, tol), s + " @ D");
                assertTrue(s.transposeMatmul(t).allClose(dense.transpose().matmul(t), tol, tol), s + "^T @ D");
                assertTrue(s.denseMatmulTranspose(m).allClose(m.matmul(dense.transpose()), tol, tol), "D @ " + s + "^T");
                Tensor vec = randn(4, dtype, 4);
                assertTrue(s.matmul(vec).allClose(dense.matmul(vec.reshape(4, 1)).reshape(5), tol, tol), s + " @ v");
                assertEquals(dtype, s.matmul(d).dtype());
            }
        }
    }

    /** One product: the sparse form, its dense equivalent, and the dense operand's shape. */
    record Product(String name, java.util.function.BiFunction<SparseMatrix, Tensor, Tensor> sparse,
                   java.util.function.BiFunction<Tensor, Tensor, Tensor> dense, int... operand) {
    }

    /** Gradients of the values and the dense operand equal those through the dense matrix. */
    @Test
    void gradientsFlowToTheValuesAndTheDenseOperandAsThroughTheDenseMatrix() {
        List<Product> products = List.of(
                new Product("S @ D", SparseMatrix::matmul, Tensor::matmul, 4, 3),
                new Product("S^T @ sin(D)", (s, d) -> s.transposeMatmul(d.sin()), (s, d) -> s.transpose().matmul(d.sin()), 5, 2),
                new Product("exp(D @ S^T)", (s, d) -> s.denseMatmulTranspose(d).exp(), (s, d) -> d.matmul(s.transpose()).exp(), 3, 4));
        for (Product p : products) {
            for (boolean csr : new boolean[] {false, true}) {
                Tensor v1 = sample(DType.FLOAT64, false).values().requiresGrad(true);
                Tensor v2 = v1.detach().copy().requiresGrad(true);
                CooMatrix coo = sample(DType.FLOAT64, false);
                SparseMatrix s1 = csr ? csrOf(coo, v1) : coo.withValues(v1);
                Tensor d1 = randn(5, DType.FLOAT64, p.operand()).requiresGrad(true);
                Tensor d2 = d1.detach().copy().requiresGrad(true);
                Tensor y1 = p.sparse().apply(s1, d1);
                Tensor y2 = p.dense().apply(csr ? csrOf(coo, v2).toDense() : coo.withValues(v2).toDense(), d2);
                Tensor w = randn(6, DType.FLOAT64, y1.dims());
                y1.mul(w).sum().backward();
                y2.mul(w).sum().backward();
                String what = p.name() + (csr ? " (CSR)" : " (COO)");
                assertTrue(y1.allClose(y2, 1e-12, 1e-12), what);
                assertTrue(v1.grad().allClose(v2.grad(), 1e-12, 1e-12), what + ": values' gradient");
                assertTrue(d1.grad().allClose(d2.grad(), 1e-12, 1e-12), what + ": dense operand's gradient");
            }
        }
    }

    /** The sample's entries as CSR with the given values, entry {@code e} of CSR being entry {@code e} of {@code values}. */
    private static CsrMatrix csrOf(CooMatrix coo, Tensor values) {
        CsrMatrix structure = coo.toCsr();
        return structure.withValues(values.slice(0, 0, structure.nnz()));
    }

    @Test
    void sumsScalingSlicingSelectionAndConcatenationMatchDense() {
        for (SparseMatrix s : List.<SparseMatrix>of(sample(DType.FLOAT64, false), sample(DType.FLOAT64, false).toCsr())) {
            Tensor dense = s.toDense();
            assertTrue(s.sum(0).allClose(dense.sum(0)));
            assertTrue(s.sum(1).allClose(dense.sum(1)));
            assertEquals(dense.sum().item(), s.sum().item(), 1e-12);
            Tensor rowScale = randn(7, DType.FLOAT64, 5, 1);
            Tensor colScale = randn(8, DType.FLOAT64, 4);
            Tensor full = randn(9, DType.FLOAT64, 5, 4);
            assertTrue(s.mul(2.5).toDense().allClose(dense.mul(2.5)));
            assertTrue(s.mul(rowScale).toDense().allClose(dense.mul(rowScale)));
            assertTrue(s.mul(colScale).toDense().allClose(dense.mul(colScale)));
            assertTrue(s.mul(full).toDense().allClose(dense.mul(full)));
            assertTrue(s.sliceRows(1, 4).toDense().allClose(dense.slice(0, 1, 4)));
            assertTrue(s.sliceRows(2, 2).toDense().allClose(Tensor.zeros(DType.FLOAT64, 0, 4)));
            long[] ids = {4, 0, 2, 4};
            assertTrue(s.selectRows(ids).toDense().allClose(dense.indexSelect(0, Tensor.of(ids, 4))));
        }
        CooMatrix a = sample(DType.FLOAT64, false);
        CooMatrix b = CooMatrix.fromDense(randn(10, DType.FLOAT64, 2, 4).relu());
        assertTrue(CooMatrix.concat(0, List.of(a, b)).toDense().allClose(Tensor.concat(0, a.toDense(), b.toDense())));
        assertTrue(CsrMatrix.concat(0, List.of(a.toCsr(), b.toCsr())).toDense()
                .allClose(Tensor.concat(0, a.toDense(), b.toDense())));
        CooMatrix c = CooMatrix.fromDense(randn(11, DType.FLOAT64, 5, 3).relu());
        assertTrue(CooMatrix.concat(1, List.of(a, c)).toDense().allClose(Tensor.concat(1, a.toDense(), c.toDense())));
        assertTrue(CsrMatrix.concat(1, List.of(a.toCsr(), c.toCsr())).toDense()
                .allClose(Tensor.concat(1, a.toDense(), c.toDense())));
    }

    @Test
    void gradientsReachTheValuesThroughSelectionConcatenationAndScaling() {
        Tensor values = Tensor.of(new double[] {1, -2, 0.5, 3, 4, -1}, 6).requiresGrad(true);
        CsrMatrix s = sample(DType.FLOAT64, false).toCsr().withValues(values);
        Tensor d = randn(12, DType.FLOAT64, 4, 2);
        SparseMatrix batch = CsrMatrix.concat(0, List.of(s.selectRows(3, 3, 0), s.sliceRows(4, 5).mul(2)));
        batch.matmul(d).sum().backward();
        // d/dv_e of the sum over the product: (times selected) * (scale) * sum_k d[c_e, k]
        double[] dsum = d.sum(1).toDoubleArray();
        long[] cols = s.colIndices().toLongArray();
        long[] rows = s.rowIndices().toLongArray();
        double[] grad = values.grad().toDoubleArray();
        for (int e = 0; e < cols.length; e++) {
            double times = rows[e] == 3 ? 2 : rows[e] == 0 ? 1 : rows[e] == 4 ? 2 : 0;
            assertEquals(times * dsum[(int) cols[e]], grad[e], 1e-12, "entry " + e);
        }
    }

    @Test
    void coalesceSortsAndSumsRepeatsAndToCsrCompressesRows() {
        CooMatrix s = sample(DType.FLOAT64, false);
        assertFalse(s.isCoalesced());
        CooMatrix c = s.coalesce();
        assertTrue(c.isCoalesced());
        assertEquals(6, c.nnz());
        assertTrue(c.toDense().allClose(s.toDense()));
        CsrMatrix csr = s.toCsr();
        assertArrayEquals(new long[] {0, 2, 3, 3, 4, 6}, csr.crowIndices().toLongArray());
        assertTrue(csr.toCoo().toDense().allClose(s.toDense()));
    }

    @Test
    void fromDensePassesGradientsToTheDenseMatrixAtItsNonZeros() {
        Tensor x = Tensor.of(new double[] {0, 2, 0, -1, 3, 0}, 2, 3).requiresGrad(true);
        CsrMatrix s = CsrMatrix.fromDense(x);
        assertEquals(3, s.nnz());
        s.matmul(Tensor.ones(DType.FLOAT64, 3, 1)).sum().backward();
        assertArrayEquals(new double[] {0, 1, 0, 1, 1, 0}, x.grad().toDoubleArray());
    }

    /**
     * Wide float32 products (k = 70: whole blocks of four vectors, single vectors and a scalar tail on any lane
     * count) equal, bit for bit, the plain loop adding each entry's product in entry order from zero.
     */
    @Test
    void wideFloatProductsAreThePlainLoopsBits() {
        Random r = new Random(4);
        int rows = 40;
        int cols = 300;
        int nnz = 2000;
        int k = 70;
        long[] ri = new long[nnz];
        long[] ci = new long[nnz];
        long[] crow = new long[rows + 1];
        for (int e = 0; e < nnz; e++) {
            ri[e] = (long) e * rows / nnz; // sorted rows, repeated coordinates likely: CSR as given, not coalesced
            ci[e] = r.nextInt(cols);
            crow[(int) ri[e] + 1]++;
        }
        for (int i = 0; i < rows; i++) {
            crow[i + 1] += crow[i];
        }
        float[] v = randn(5, DType.FLOAT32, nnz).toFloatArray();
        float[] d = randn(6, DType.FLOAT32, cols, k).toFloatArray();
        float[] g = randn(7, DType.FLOAT32, rows, k).toFloatArray();
        CooMatrix s = CooMatrix.of(ri, ci, Tensor.of(v, nnz), rows, cols);
        float[] product = new float[rows * k];
        float[] transposed = new float[cols * k];
        for (int e = 0; e < nnz; e++) {
            for (int j = 0; j < k; j++) {
                product[(int) ri[e] * k + j] += v[e] * d[(int) ci[e] * k + j];
                transposed[(int) ci[e] * k + j] += v[e] * g[(int) ri[e] * k + j];
            }
        }
        assertArrayEquals(product, s.matmul(Tensor.of(d, cols, k)).toFloatArray());
        assertArrayEquals(product, CsrMatrix.of(crow, ci.clone(), Tensor.of(v, nnz), rows, cols).matmul(Tensor.of(d, cols, k))
                .toFloatArray());
        assertArrayEquals(transposed, s.transposeMatmul(Tensor.of(g, rows, k)).toFloatArray());
    }

    @Test
    void productsAreTheSameBitsForAnyThreadCount() {
        Random r = new Random(3);
        int rows = 3000;
        int cols = 500;
        int nnz = 40000;
        long[] ri = new long[nnz];
        long[] ci = new long[nnz];
        for (int e = 0; e < nnz; e++) {
            ri[e] = r.nextInt(rows);
            ci[e] = r.nextInt(cols);
        }
        CooMatrix s = CooMatrix.of(ri, ci, randn(13, DType.FLOAT32, nnz), rows, cols);
        Tensor d = randn(14, DType.FLOAT32, cols, 16);
        Tensor g = randn(15, DType.FLOAT32, rows, 16);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = s.matmul(d).toFloatArray();
            float[] oneT = s.transposeMatmul(g).toFloatArray();
            Parallel.setThreads(4);
            assertArrayEquals(one, s.matmul(d).toFloatArray());
            assertArrayEquals(oneT, s.transposeMatmul(g).toFloatArray());
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void aCompiledFunctionOfASparseProductEqualsEagerAndItsGradient() {
        CsrMatrix s = sample(DType.FLOAT64, false).toCsr();
        Function<Tensor, Tensor> f = d -> s.matmul(d.sin()).square().sum();
        var jitted = Jit.jit(f);
        Tensor d = randn(16, DType.FLOAT64, 4, 3);
        assertEquals(f.apply(d).item(), jitted.apply(d).item(), 1e-12);
        var grad = org.fluxion.autodiff.Functional.grad(f);
        assertTrue(Jit.jit(grad).apply(d).allClose(grad.apply(d), 1e-12, 1e-12));
    }

    @Test
    void invalidIndicesAndShapesAreNamed() {
        Tensor v = Tensor.ones(DType.FLOAT32, 2);
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> CooMatrix.of(new long[] {0, 5}, new long[] {0, 1}, v, 5, 4)), "row index 5 at entry 1", "5 rows");
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> CooMatrix.of(new long[] {0, 1}, new long[] {-1, 1}, v, 5, 4)), "column index -1 at entry 0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> CooMatrix.of(new long[] {0}, new long[] {0, 1}, v, 5, 4)), "1 row indices but 2 column");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> CooMatrix.of(Tensor.of(new int[] {0, 1, 0, 1}, 2, 2), v, 5, 4)), "int64 [2, nnz]", "int32");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(new long[] {0, 2, 1, 2}, new long[] {0, 1}, v, 3, 4)), "non-decreasing", "crow[2] = 1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(new long[] {0, 1, 3}, new long[] {0, 1}, v, 2, 4)), "end at nnz = 2");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> CsrMatrix.of(new long[] {0, 1, 2}, new long[] {0, 1}, Tensor.ones(DType.INT64, 2), 2, 4)),
                "float32 or float64 vector [2]");
        CooMatrix s = sample(DType.FLOAT32, false);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.matmul(Tensor.ones(DType.FLOAT32, 5, 2))),
                "[5, 4]", "[5, 2]", "must be [4, k]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.matmul(Tensor.ones(DType.FLOAT64, 4, 2))),
                "values are float32", "float64");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> s.selectRows(1, 5)), "row 5 (position 1)");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> s.sliceRows(3, 6)), "rows [3, 6)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> s.mul(Tensor.ones(3))), "[3]", "does not broadcast");
    }
}

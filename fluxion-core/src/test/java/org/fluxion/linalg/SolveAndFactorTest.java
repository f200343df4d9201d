package org.fluxion.linalg;

import static org.fluxion.linalg.LinalgTesting.assertClose;
import static org.fluxion.linalg.LinalgTesting.hilbert;
import static org.fluxion.linalg.LinalgTesting.normal;
import static org.fluxion.linalg.LinalgTesting.positiveDefinite;
import static org.fluxion.linalg.LinalgTesting.wellConditioned;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.fluxion.ops.NotPositiveDefiniteException;
import org.fluxion.ops.SingularMatrixException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.NumPyReference;
import org.junit.jupiter.api.Test;

/**
 * Solves, factorizations, inverses and determinants against NumPy/SciPy in float64, on batches with
 * broadcast batch dimensions and on matrices large enough for the blocked kernels (n = 100, 130: several
 * panels), plus reconstructions, float32, vector right-hand sides and the errors.
 */
class SolveAndFactorTest {
    @Test
    void solveMatchesNumPyWithBroadcastBatches() {
        Random r = new Random(1);
        Tensor a = wellConditioned(r, 2, 1, 5, 5);
        Tensor b = normal(r, 3, 5, 2);
        Tensor big = wellConditioned(r, 100, 100);
        Tensor bigB = normal(r, 100, 7);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("b", b).input("A", big).input("B", bigB)
                .eval("np.linalg.solve(np.broadcast_to(a, (2, 3, 5, 5)), np.broadcast_to(b, (2, 3, 5, 2)))",
                        "np.linalg.solve(A, B)");
        assertClose("solve batched", ref.get(0), Linalg.solve(a, b), 1e-12);
        assertClose("solve n=100", ref.get(1), Linalg.solve(big, bigB), 1e-12);
    }

    @Test
    void solveOfABadlyConditionedMatrixIsAccurateToItsCondition() {
        Tensor h = hilbert(8); // condition number 1.5e10
        Tensor b = Tensor.ones(DType.FLOAT64, 8, 1);
        Tensor x = Linalg.solve(h, b);
        Tensor ref = NumPyReference.require().input("h", h).input("b", b).eval1("np.linalg.solve(h, b)");
        assertClose("solve hilbert", ref, x, 1e-4); // |x| ~ 1e6, error ~ cond * eps
        assertClose("residual", b, h.matmul(x), 1e-8);
    }

    @Test
    void vectorRightHandSidesKeepTheirShape() {
        Random r = new Random(2);
        Tensor a = wellConditioned(r, 2, 4, 4);
        Tensor b = normal(r, 2, 4);
        Tensor x = Linalg.solve(a, b);
        assertArrayEquals(new int[] {2, 4}, x.dims());
        assertClose("A x = b", b, a.matmul(x.unsqueeze(-1)).squeeze(-1), 1e-12);
        Tensor single = Linalg.solve(a.select(0, 0), b.select(0, 1));
        assertArrayEquals(new int[] {4}, single.dims());
    }

    @Test
    void triangularSolvesMatchNumPyInEveryVariant() {
        Random r = new Random(3);
        Tensor a = wellConditioned(r, 2, 70, 70); // 70 > one block of the kernel
        Tensor bl = normal(r, 70, 3);
        Tensor br = normal(r, 2, 3, 70);
        // With a unit diagonal, off-diagonal entries of size 1/n keep the system well conditioned.
        Tensor au = a.div(70);
        NumPyReference ref = NumPyReference.require().input("a", a).input("au", au).input("bl", bl).input("br", br);
        for (boolean upper : new boolean[] {false, true}) {
            for (boolean unit : new boolean[] {false, true}) {
                String m = unit ? "au" : "a";
                String t = (upper ? "np.triu(" : "np.tril(") + m + (upper ? ", 1)" : ", -1)") + (unit ? " + np.eye(70)" : " + a * np.eye(70)");
                List<Tensor> e = ref.eval("np.linalg.solve(" + t + ", np.broadcast_to(bl, (2, 70, 3)))",
                        "np.swapaxes(np.linalg.solve(np.swapaxes(" + t + ", -1, -2), np.swapaxes(br, -1, -2)), -1, -2)");
                String what = (upper ? "upper" : "lower") + (unit ? " unit" : "");
                Tensor x = unit ? au : a;
                assertClose(what + " left", e.get(0), Linalg.solveTriangular(x, bl, upper, true, unit), 1e-12);
                assertClose(what + " right", e.get(1), Linalg.solveTriangular(x, br, upper, false, unit), 1e-12);
            }
        }
    }

    @Test
    void choleskyMatchesNumPyAndReconstructs() {
        Random r = new Random(4);
        Tensor a = positiveDefinite(r, 3, 5, 5);
        Tensor big = positiveDefinite(r, 130, 130);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("A", big)
                .eval("np.linalg.cholesky(a)", "np.linalg.cholesky(A)");
        Tensor l = Linalg.cholesky(a);
        assertClose("cholesky batched", ref.get(0), l, 1e-12);
        Tensor lBig = Linalg.cholesky(big);
        assertClose("cholesky n=130", ref.get(1), lBig, 1e-12);
        assertClose("L L^T = A", big, lBig.matmul(lBig.transpose()), 1e-12);
        assertClose("L lower triangular", Linalg.tril(lBig), lBig, 0);
    }

    @Test
    void choleskyReadsOnlyTheLowerTriangle() {
        Tensor a = positiveDefinite(new Random(5), 4, 4);
        Tensor garbage = Linalg.tril(a).add(Linalg.triu(Tensor.full(7.5, DType.FLOAT64, 4, 4), 1));
        assertClose("upper triangle ignored", Linalg.cholesky(a), Linalg.cholesky(garbage), 0);
    }

    @Test
    void choleskySolveSolves() {
        Random r = new Random(6);
        Tensor a = positiveDefinite(r, 2, 6, 6);
        Tensor b = normal(r, 2, 6, 3);
        Tensor x = Linalg.choleskySolve(Linalg.cholesky(a), b);
        assertClose("A x = b", b, a.matmul(x), 1e-12);
    }

    @Test
    void inverseDeterminantAndSlogdetMatchNumPy() {
        Random r = new Random(7);
        Tensor a = wellConditioned(r, 2, 3, 4, 4).mul(Tensor.of(new double[] {1, -1, 1, 1}, 4, 1)); // mixed signs
        Tensor big = wellConditioned(r, 100, 100);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("A", big).eval("np.linalg.inv(a)",
                "np.linalg.det(a)", "np.linalg.slogdet(a)[0]", "np.linalg.slogdet(a)[1]", "np.linalg.inv(A)",
                "np.linalg.slogdet(A)[1]", "np.linalg.det(A)");
        assertClose("inv", ref.get(0), Linalg.inv(a), 1e-12);
        assertClose("det", ref.get(1), Linalg.det(a), 1e-12);
        Linalg.SignLogDet s = Linalg.slogdet(a);
        assertClose("slogdet sign", ref.get(2), s.sign(), 0);
        assertClose("slogdet log", ref.get(3), s.logAbsDet(), 1e-12);
        assertClose("inv n=100", ref.get(4), Linalg.inv(big), 1e-12);
        assertClose("slogdet n=100", ref.get(5), Linalg.slogdet(big).logAbsDet(), 1e-12);
        double det = ref.get(6).item();
        assertEquals(det, Linalg.det(big).item(), 1e-11 * Math.abs(det), "det n=100 (about 1e200)");
    }

    @Test
    void singularMatricesGiveZeroDeterminantAndMinusInfinityLog() {
        Tensor a = Tensor.of(new double[] {1, 2, 2, 4}, 2, 2);
        assertEquals(0, Linalg.det(a).item());
        Linalg.SignLogDet s = Linalg.slogdet(a);
        assertEquals(0, s.sign().item());
        assertEquals(Double.NEGATIVE_INFINITY, s.logAbsDet().item());
    }

    @Test
    void float32IsComputedInFloat64AndRoundedOnce() {
        Random r = new Random(8);
        Tensor a = wellConditioned(r, 2, 6, 6);
        Tensor b = normal(r, 2, 6, 2);
        Tensor x32 = Linalg.solve(a.to(DType.FLOAT32), b.to(DType.FLOAT32));
        assertEquals(DType.FLOAT32, x32.dtype());
        Tensor x64 = Linalg.solve(a.to(DType.FLOAT32).to(DType.FLOAT64), b.to(DType.FLOAT32).to(DType.FLOAT64));
        assertClose("float32 solve", x64.to(DType.FLOAT32).to(DType.FLOAT64), x32.to(DType.FLOAT64), 0);
        assertEquals(DType.FLOAT32, Linalg.cholesky(positiveDefinite(r, 3, 3).to(DType.FLOAT32)).dtype());
        assertEquals(DType.FLOAT64, Linalg.solve(a, b.to(DType.FLOAT32)).dtype(), "mixed operands compute in float64");
    }

    @Test
    void aSingularMatrixIsNamedByItsBatchIndex() {
        Tensor a = wellConditioned(new Random(9), 2, 2, 3, 3);
        double[] d = a.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            d[(1 * 2 + 0) * 9 + i * 3 + 1] = 0; // element [1, 0]: column 1 is zero, so pivot 2 is exactly zero
        }
        Tensor singular = Tensor.of(d, 2, 2, 3, 3);
        var e = assertThrows(SingularMatrixException.class, () -> Linalg.solve(singular, Tensor.ones(DType.FLOAT64, 3, 1)));
        assertMessage(e, "solve", "batch element [1, 0]", "[2, 2]", "singular");
        assertArrayEquals(new int[] {1, 0}, e.batchIndex());
        assertEquals(2, e.info());
        var i = assertThrows(SingularMatrixException.class, () -> Linalg.inv(singular));
        assertMessage(i, "inv", "batch element [1, 0]");
        var t = assertThrows(SingularMatrixException.class,
                () -> Linalg.solveTriangular(Tensor.of(new double[] {1, 0, 5, 0}, 2, 2), Tensor.ones(DType.FLOAT64, 2, 1),
                        false, true, false));
        assertMessage(t, "solveTriangular", "the matrix", "U[1, 1]");
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteIsNamed() {
        Tensor a = positiveDefinite(new Random(10), 3, 4, 4);
        Tensor bad = Tensor.stack(0, a.select(0, 0), a.select(0, 1), a.select(0, 2).neg());
        var e = assertThrows(NotPositiveDefiniteException.class, () -> Linalg.cholesky(bad));
        assertMessage(e, "cholesky", "batch element [2]", "not positive definite", "minor of order 1");
        assertArrayEquals(new int[] {2}, e.batchIndex());
        Tensor indefinite = Tensor.of(new double[] {1, 2, 2, 1}, 2, 2);
        var f = assertThrows(NotPositiveDefiniteException.class, () -> Linalg.cholesky(indefinite));
        assertMessage(f, "the matrix", "order 2");
    }

    @Test
    void exVariantsReportFailuresAsInfoInsteadOfThrowing() {
        Tensor a = positiveDefinite(new Random(11), 3, 4, 4);
        Tensor bad = Tensor.stack(0, a.select(0, 0), a.select(0, 1).neg(), a.select(0, 2));
        Linalg.WithInfo c = Linalg.choleskyEx(bad);
        assertArrayEquals(new int[] {0, 1, 0}, c.info().toIntArray());
        assertClose("successful elements", Linalg.cholesky(a.select(0, 2)), c.result().select(0, 2), 0);
        assertTrue(Double.isNaN(c.result().select(0, 1).get(0, 0)), "a failed element is NaN");
        Tensor singular = Tensor.stack(0, Tensor.eye(2, 2, DType.FLOAT64), Tensor.of(new double[] {1, 2, 2, 4}, 2, 2));
        Linalg.WithInfo i = Linalg.invEx(singular);
        assertArrayEquals(new int[] {0, 2}, i.info().toIntArray());
        assertClose("inverse of the identity", Tensor.eye(2, 2, DType.FLOAT64), i.result().select(0, 0), 0);
        Linalg.WithInfo s = Linalg.solveEx(singular, Tensor.ones(DType.FLOAT64, 2, 1));
        assertArrayEquals(new int[] {0, 2}, s.info().toIntArray());
        assertEquals(DType.INT32, s.info().dtype());
    }

    @Test
    void shapeAndDtypeErrorsNameTheOperands() {
        Tensor rect = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.inv(rect)), "inv", "square", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Linalg.solve(Tensor.eye(3, 3, DType.FLOAT64), Tensor.zeros(DType.FLOAT64, 4, 2))),
                "solve", "3 rows", "[4, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Linalg.solve(Tensor.zeros(DType.FLOAT64, 2, 3, 3), Tensor.zeros(DType.FLOAT64, 4, 3, 1))),
                "solve", "batch dimensions", "[2]", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.det(Tensor.zeros(DType.INT32, 2, 2))),
                "det", "float32 or float64", "int32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.cholesky(Tensor.zeros(DType.FLOAT64, 3))),
                "cholesky", "stack of matrices");
    }

    @Test
    void emptyBatchesAndEmptyMatrices() {
        assertArrayEquals(new int[] {0, 3, 3}, Linalg.inv(Tensor.zeros(DType.FLOAT64, 0, 3, 3)).dims());
        assertEquals(1, Linalg.det(Tensor.zeros(DType.FLOAT64, 0, 0)).item(), "the empty product");
        assertTrue(Linalg.cholesky(Tensor.zeros(DType.FLOAT64, 2, 0, 0)).size() == 0);
    }
}

package org.fluxion.linalg;

import static org.fluxion.linalg.LinalgTesting.assertClose;
import static org.fluxion.linalg.LinalgTesting.normal;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.NumPyReference;
import org.junit.jupiter.api.Test;

/** The factorizations of several outputs (QR, eigh, SVD) against NumPy, reconstructions and orthogonality. */
class FactorizationsTest {
    @Test
    void qrMatchesNumPyInEveryShapeAndMode() {
        Random r = new Random(1);
        Tensor tall = normal(r, 2, 7, 4);
        Tensor wide = normal(r, 3, 6);
        Tensor big = normal(r, 90, 80);
        List<Tensor> ref = NumPyReference.require().input("t", tall).input("w", wide).input("b", big).eval(
                "np.linalg.qr(t)[0]", "np.linalg.qr(t)[1]", "np.linalg.qr(t, 'complete')[0]",
                "np.linalg.qr(t, 'complete')[1]", "np.linalg.qr(w)[0]", "np.linalg.qr(w)[1]", "np.linalg.qr(b)[0]",
                "np.linalg.qr(b)[1]");
        Linalg.QR reduced = Linalg.qr(tall);
        assertClose("Q tall", ref.get(0), reduced.q(), 1e-13);
        assertClose("R tall", ref.get(1), reduced.r(), 1e-13);
        Linalg.QR complete = Linalg.qr(tall, true);
        assertClose("Q complete", ref.get(2), complete.q(), 1e-13);
        assertClose("R complete", ref.get(3), complete.r(), 1e-13);
        Linalg.QR w = Linalg.qr(wide);
        assertClose("Q wide", ref.get(4), w.q(), 1e-13);
        assertClose("R wide", ref.get(5), w.r(), 1e-13);
        Linalg.QR b = Linalg.qr(big);
        assertClose("Q 90x80", ref.get(6), b.q(), 1e-12);
        assertClose("R 90x80", ref.get(7), b.r(), 1e-12);
        assertClose("QR = A", big, b.q().matmul(b.r()), 1e-13);
        assertClose("Q^T Q = I", Tensor.eye(80, 80, DType.FLOAT64), Linalg.mT(b.q()).matmul(b.q()), 1e-13);
        assertClose("R upper", Linalg.triu(b.r()), b.r(), 0);
    }

    @Test
    void blockedQrOfALargeTallMatrixIsOrthogonalAndReconstructs() {
        Tensor a = normal(new Random(12), 200, 150); // several blocks of reflectors in the factorization and in Q
        Linalg.QR f = Linalg.qr(a, true);
        assertClose("QR = A", a, f.q().matmul(f.r()), 1e-13);
        assertClose("Q^T Q = I", Tensor.eye(200, 200, DType.FLOAT64), Linalg.mT(f.q()).matmul(f.q()), 1e-13);
        Tensor ref = NumPyReference.require().input("a", a).eval1("np.linalg.qr(a, 'complete')[1]");
        assertClose("R", ref, f.r(), 1e-12);
    }

    @Test
    void qrOfARankDeficientMatrixStillReconstructs() {
        Tensor a = Tensor.of(new double[] {1, 2, 3, 2, 4, 6, 1, 0, 1, 0, 0, 0}, 4, 3);
        Linalg.QR f = Linalg.qr(a);
        assertClose("QR = A", a, f.q().matmul(f.r()), 1e-14);
        assertClose("Q^T Q = I", Tensor.eye(3, 3, DType.FLOAT64), Linalg.mT(f.q()).matmul(f.q()), 1e-14);
    }

    @Test
    void theCompleteQrOfATallMatrixHasNoDerivative() {
        Tensor a = normal(new Random(2), 4, 2);
        var e = assertThrows(UnsupportedOperationException.class,
                () -> Functional.vjp(x -> Linalg.qr(x[0], true).q().sum(), new Tensor[] {a}).pullback()
                        .apply(Tensor.scalar(1, DType.FLOAT64)));
        assertMessage(e, "qr", "complete", "no derivative", "reduced");
    }

    /** Columns of {@code x} multiplied by the signs that make them agree with {@code ref}'s (vectors are defined up to sign). */
    static Tensor alignSigns(Tensor ref, Tensor x) {
        Tensor dots = ref.mul(x).sum(new int[] {-2}, true);
        return x.mul(dots.sign());
    }

    @Test
    void eighMatchesNumPyAndReconstructs() {
        Random r = new Random(4);
        Tensor a = normal(r, 2, 5, 5);
        Tensor big = normal(r, 120, 120);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("b", big).eval(
                "np.linalg.eigh(a, 'L')[0]", "np.linalg.eigh(a, 'L')[1]", "np.linalg.eigh(b, 'L')[0]",
                "np.linalg.eigh(b, 'L')[1]");
        Linalg.Eigh e = Linalg.eigh(a);
        assertClose("eigenvalues", ref.get(0), e.eigenvalues(), 1e-13);
        assertClose("eigenvectors", ref.get(1), alignSigns(ref.get(1), e.eigenvectors()), 1e-12);
        Linalg.Eigh b = Linalg.eigh(big);
        assertClose("eigenvalues n=120", ref.get(2), b.eigenvalues(), 1e-13);
        assertClose("eigenvectors n=120", ref.get(3), alignSigns(ref.get(3), b.eigenvectors()), 1e-10);
        Tensor sym = Linalg.tril(big).add(Linalg.mT(Linalg.tril(big, -1)));
        Tensor v = b.eigenvectors();
        assertClose("V diag(w) V^T = A", sym, v.mul(b.eigenvalues().unsqueeze(-2)).matmul(Linalg.mT(v)), 1e-13);
        assertClose("V^T V = I", Tensor.eye(120, 120, DType.FLOAT64), Linalg.mT(v).matmul(v), 1e-13);
    }

    /** n = 301: several column blocks of the rotation sequences, and vector tails, in the kernel. */
    @Test
    void eighReconstructsALargerMatrix() {
        Tensor big = normal(new Random(5), 301, 301);
        Linalg.Eigh b = Linalg.eigh(big);
        Tensor sym = Linalg.tril(big).add(Linalg.mT(Linalg.tril(big, -1)));
        Tensor v = b.eigenvectors();
        assertClose("V diag(w) V^T = A", sym, v.mul(b.eigenvalues().unsqueeze(-2)).matmul(Linalg.mT(v)), 1e-12);
        assertClose("V^T V = I", Tensor.eye(301, 301, DType.FLOAT64), Linalg.mT(v).matmul(v), 1e-12);
        assertClose("eigvalsh = eigh's", b.eigenvalues(), Linalg.eigvalsh(big), 1e-12);
    }

    /**
     * A = U diag(sigma) V^T with sigma graded from 1 to 1e-12 (orthogonal U, V from QR), n = 40, past the
     * Jacobi size: bidiagonalization and bidiagonal QR keep the small singular values to the accuracy that the
     * rounding of A itself allows (about 1e-16 absolute).
     */
    @Test
    void svdKeepsGradedSingularValuesToRelativeAccuracy() {
        Random r = new Random(6);
        int n = 40;
        Tensor u = Linalg.qr(normal(r, n, n)).q();
        Tensor v = Linalg.qr(normal(r, n, n)).q();
        double[] sigma = new double[n];
        for (int i = 0; i < n; i++) {
            sigma[i] = Math.pow(10, -12.0 * i / (n - 1));
        }
        Tensor a = u.mul(Tensor.of(sigma, n).unsqueeze(-2)).matmul(Linalg.mT(v));
        double[] got = Linalg.svdvals(a).toDoubleArray();
        for (int i = 0; i < n; i++) {
            double rel = Math.abs(got[i] - sigma[i]) / sigma[i];
            org.junit.jupiter.api.Assertions.assertTrue(rel < 1e-3, "sigma_" + i + " = " + got[i] + ", expected "
                    + sigma[i] + " (relative error " + rel + ")");
        }
        Linalg.SVD f = Linalg.svd(a);
        assertClose("U S V^T = A", a, f.u().mul(f.s().unsqueeze(-2)).matmul(f.vh()), 1e-14);
    }

    @Test
    void eighOfRepeatedAndZeroEigenvalues() {
        Tensor a = Tensor.of(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 5}, 3, 3);
        Linalg.Eigh e = Linalg.eigh(a);
        assertClose("eigenvalues", Tensor.of(new double[] {2, 2, 5}, 3), e.eigenvalues(), 1e-15);
        Tensor v = e.eigenvectors();
        assertClose("reconstruction", a, v.mul(e.eigenvalues().unsqueeze(-2)).matmul(Linalg.mT(v)), 1e-14);
        assertClose("zero matrix", Tensor.zeros(DType.FLOAT64, 4), Linalg.eigvalsh(Tensor.zeros(DType.FLOAT64, 4, 4)), 0);
    }

    @Test
    void svdMatchesNumPyAndReconstructs() {
        Random r = new Random(5);
        Tensor tall = normal(r, 2, 6, 4);
        Tensor wide = normal(r, 3, 7);
        Tensor big = normal(r, 70, 60);
        List<Tensor> ref = NumPyReference.require().input("t", tall).input("w", wide).input("b", big).eval(
                "np.linalg.svd(t, full_matrices=False)[1]", "np.linalg.svd(t, full_matrices=False)[0]",
                "np.linalg.svd(w, full_matrices=False)[1]", "np.swapaxes(np.linalg.svd(w, full_matrices=False)[2], -1, -2)",
                "np.linalg.svd(b, compute_uv=False)");
        Linalg.SVD t = Linalg.svd(tall);
        assertClose("s tall", ref.get(0), t.s(), 1e-13);
        assertClose("U tall", ref.get(1), alignSigns(ref.get(1), t.u()), 1e-12);
        Linalg.SVD w = Linalg.svd(wide);
        assertClose("s wide", ref.get(2), w.s(), 1e-13);
        assertClose("V wide", ref.get(3), alignSigns(ref.get(3), Linalg.mT(w.vh())), 1e-12);
        assertClose("svdvals 70x60", ref.get(4), Linalg.svdvals(big), 1e-12);
        for (Tensor x : List.of(tall, wide, big)) {
            Linalg.SVD f = Linalg.svd(x);
            assertClose("U S Vh = A", x, f.u().mul(f.s().unsqueeze(-2)).matmul(f.vh()), 1e-13);
            int k = f.s().dim(-1);
            Tensor utu = Linalg.mT(f.u()).matmul(f.u());
            Tensor vvt = f.vh().matmul(Linalg.mT(f.vh()));
            assertClose("U^T U = I", Tensor.eye(k, k, DType.FLOAT64).broadcastTo(utu.shape()), utu, 1e-13);
            assertClose("Vh Vh^T = I", Tensor.eye(k, k, DType.FLOAT64).broadcastTo(vvt.shape()), vvt, 1e-13);
        }
    }

    @Test
    void fullSvdOfRankDeficientMatricesIsCompletedToOrthogonalFactors() {
        Tensor a = Tensor.of(new double[] {1, 2, 2, 4, 0, 0, 3, 6}, 4, 2); // rank 1
        Linalg.SVD f = Linalg.svd(a, true);
        assertArrayEquals(new int[] {4, 4}, f.u().dims());
        assertClose("U orthogonal", Tensor.eye(4, 4, DType.FLOAT64), Linalg.mT(f.u()).matmul(f.u()), 1e-14);
        assertClose("V orthogonal", Tensor.eye(2, 2, DType.FLOAT64), f.vh().matmul(Linalg.mT(f.vh())), 1e-14);
        assertClose("s", Tensor.of(new double[] {Math.sqrt(70), 0}, 2), f.s(), 1e-14);
        Tensor sigma = Linalg.diagEmbed(f.s()).pad(new int[] {0, 2}, 0); // [4, 2]
        assertClose("U S Vh = A", a, f.u().matmul(sigma).matmul(f.vh()), 1e-14);
        Linalg.SVD w = Linalg.svd(Linalg.mT(a), true);
        assertArrayEquals(new int[] {4, 4}, w.vh().dims());
        assertClose("Vh orthogonal", Tensor.eye(4, 4, DType.FLOAT64), w.vh().matmul(Linalg.mT(w.vh())), 1e-14);
    }

    @Test
    void luMatchesSciPyAndSolves() {
        Random r = new Random(6);
        Tensor a = normal(r, 2, 5, 5);
        Tensor big = normal(r, 100, 100);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("b", big).eval(
                "np.stack([scipy.linalg.lu(m)[0] for m in a])", "np.stack([scipy.linalg.lu(m)[1] for m in a])",
                "np.stack([scipy.linalg.lu(m)[2] for m in a])", "scipy.linalg.lu(b)[2]");
        Linalg.LU f = Linalg.lu(a);
        assertClose("P", ref.get(0), f.p(), 0);
        assertClose("L", ref.get(1), f.l(), 1e-13);
        assertClose("U", ref.get(2), f.u(), 1e-13);
        assertClose("U n=100", ref.get(3), Linalg.lu(big).u(), 1e-12);
        assertClose("P L U = A", a, f.p().matmul(f.l()).matmul(f.u()), 1e-14);
        Tensor b = normal(r, 2, 5, 3);
        assertClose("luSolve", Linalg.solve(a, b), Linalg.luSolve(f, b), 1e-12);
    }

    @Test
    void float32Factorizations() {
        Tensor a = normal(new Random(3), 5, 3).to(DType.FLOAT32);
        Linalg.QR f = Linalg.qr(a);
        assertArrayEquals(new int[] {5, 3}, f.q().dims());
        assertClose("QR = A in float32", a.to(DType.FLOAT64), f.q().matmul(f.r()).to(DType.FLOAT64), 1e-6);
    }
}

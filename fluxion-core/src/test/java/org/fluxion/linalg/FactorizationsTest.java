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

    @Test
    void float32Factorizations() {
        Tensor a = normal(new Random(3), 5, 3).to(DType.FLOAT32);
        Linalg.QR f = Linalg.qr(a);
        assertArrayEquals(new int[] {5, 3}, f.q().dims());
        assertClose("QR = A in float32", a.to(DType.FLOAT64), f.q().matmul(f.r()).to(DType.FLOAT64), 1e-6);
    }
}

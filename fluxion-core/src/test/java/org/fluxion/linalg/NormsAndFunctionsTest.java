package org.fluxion.linalg;

import static org.fluxion.linalg.LinalgTesting.assertClose;
import static org.fluxion.linalg.LinalgTesting.normal;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.NumPyReference;
import org.junit.jupiter.api.Test;

/** Norms, the matrix exponential, the pseudo-inverse and least squares against NumPy/SciPy. */
class NormsAndFunctionsTest {
    @Test
    void normsMatchNumPy() {
        Random r = new Random(1);
        Tensor a = normal(r, 2, 4, 3);
        Tensor v = normal(r, 3, 5);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("v", v).eval(
                "np.linalg.norm(a, 'fro', axis=(-2, -1))", "np.linalg.norm(a, 'nuc', axis=(-2, -1))",
                "np.linalg.norm(a, 2, axis=(-2, -1))", "np.linalg.norm(a, -2, axis=(-2, -1))",
                "np.linalg.norm(a, 1, axis=(-2, -1))", "np.linalg.norm(a, -1, axis=(-2, -1))",
                "np.linalg.norm(a, np.inf, axis=(-2, -1))", "np.linalg.norm(a, -np.inf, axis=(-2, -1))",
                "np.linalg.norm(v, 2, axis=-1)", "np.linalg.norm(v, 1, axis=-1)", "np.linalg.norm(v, 3.5, axis=-1)",
                "np.linalg.norm(v, np.inf, axis=-1)", "np.linalg.norm(v, -np.inf, axis=-1)",
                "np.linalg.norm(v, 0, axis=-1)", "np.linalg.norm(v)");
        assertClose("fro", ref.get(0), Linalg.matrixNorm(a), 1e-14);
        assertClose("nuc", ref.get(1), Linalg.matrixNorm(a, "nuc", false), 1e-14);
        double[] ords = {2, -2, 1, -1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < ords.length; i++) {
            assertClose("matrix ord " + ords[i], ref.get(2 + i), Linalg.matrixNorm(a, ords[i], false), 1e-14);
        }
        double[] vords = {2, 1, 3.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
        for (int i = 0; i < vords.length; i++) {
            assertClose("vector ord " + vords[i], ref.get(8 + i), Linalg.vectorNorm(v, vords[i], false, -1), 1e-14);
        }
        assertClose("vector norm of everything", ref.get(14), Linalg.vectorNorm(v), 1e-14);
        assertClose("keepDims", ref.get(0).unsqueeze(-1).unsqueeze(-1), Linalg.matrixNorm(a, "fro", true), 1e-14);
    }

    @Test
    void matrixExpMatchesSciPyAcrossPadeDegreesAndScalings() {
        Random r = new Random(2);
        // 1-norms from 1e-3 (degree 3) to about 300 (degree 13 with scaling and squaring).
        double[] scales = {1e-3, 0.05, 0.2, 0.5, 1, 3, 60};
        for (double scale : scales) {
            Tensor a = normal(r, 2, 4, 4).mul(scale);
            Tensor ref = NumPyReference.require().input("a", a).eval1("scipy.linalg.expm(a)");
            assertClose("expm scale " + scale, ref, Linalg.matrixExp(a), scale > 10 ? 1e-11 : 1e-13);
        }
        Tensor big = normal(r, 50, 50).mul(0.3);
        Tensor ref = NumPyReference.require().input("a", big).eval1("scipy.linalg.expm(a)");
        assertClose("expm n=50", ref, Linalg.matrixExp(big), 1e-12);
        Tensor nilpotent = Tensor.of(new double[] {0, 1, 0, 0}, 2, 2);
        assertClose("exp of a nilpotent matrix", Tensor.of(new double[] {1, 1, 0, 1}, 2, 2), Linalg.matrixExp(nilpotent), 0);
    }

    @Test
    void pinvAndLstsqMatchNumPy() {
        Random r = new Random(3);
        Tensor tall = normal(r, 6, 3);
        Tensor wide = normal(r, 2, 5);
        Tensor b = normal(r, 6, 2);
        Tensor bw = normal(r, 2);
        Tensor rankOne = normal(r, 4, 1).matmul(normal(r, 1, 3));
        List<Tensor> ref = NumPyReference.require().input("t", tall).input("w", wide).input("b", b).input("bw", bw)
                .input("r1", rankOne).eval("np.linalg.pinv(t)", "np.linalg.pinv(w)", "np.linalg.lstsq(t, b, rcond=None)[0]",
                        "np.linalg.lstsq(w, bw, rcond=None)[0]", "np.linalg.pinv(r1)");
        assertClose("pinv tall", ref.get(0), Linalg.pinv(tall), 1e-13);
        assertClose("pinv wide", ref.get(1), Linalg.pinv(wide), 1e-13);
        assertClose("lstsq tall", ref.get(2), Linalg.lstsq(tall, b), 1e-13);
        assertClose("lstsq wide, least norm", ref.get(3), Linalg.lstsq(wide, bw), 1e-13);
        assertClose("pinv of a rank-one matrix", ref.get(4), Linalg.pinv(rankOne), 1e-12);
    }

    @Test
    void normArgumentsAreChecked() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 3, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.matrixNorm(a, "max", false)),
                "matrixNorm", "\"fro\"", "max");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.matrixNorm(a, 3, false)),
                "matrixNorm", "got 3.0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.matrixNorm(Tensor.zeros(DType.FLOAT64, 3))),
                "matrixNorm", "vectorNorm");
    }
}

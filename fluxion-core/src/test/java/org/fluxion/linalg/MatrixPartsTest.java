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

/** Triangles, diagonals and traces against NumPy, on square and non-square stacks and transposed views. */
class MatrixPartsTest {
    @Test
    void partsMatchNumPy() {
        Random r = new Random(1);
        Tensor a = normal(r, 2, 3, 5);
        Tensor v = normal(r, 2, 4);
        List<Tensor> ref = NumPyReference.require().input("a", a).input("v", v).eval(
                "np.tril(a)", "np.tril(a, 1)", "np.triu(a, -1)", "np.triu(a, 2)",
                "np.diagonal(a, 0, -2, -1)", "np.diagonal(a, 2, -2, -1)", "np.diagonal(a, -1, -2, -1)",
                "np.diagonal(a, 5, -2, -1)", "np.trace(a, 0, -2, -1)",
                "np.diagonal(np.swapaxes(a, -1, -2), 1, -2, -1)",
                "np.einsum('bi,ij->bij', v, np.eye(4))");
        assertClose("tril", ref.get(0), Linalg.tril(a), 0);
        assertClose("tril 1", ref.get(1), Linalg.tril(a, 1), 0);
        assertClose("triu -1", ref.get(2), Linalg.triu(a, -1), 0);
        assertClose("triu 2", ref.get(3), Linalg.triu(a, 2), 0);
        assertClose("diagonal", ref.get(4), Linalg.diagonal(a), 0);
        assertClose("diagonal 2", ref.get(5), Linalg.diagonal(a, 2), 0);
        assertClose("diagonal -1", ref.get(6), Linalg.diagonal(a, -1), 0);
        assertClose("diagonal past the end", ref.get(7), Linalg.diagonal(a, 5), 0);
        assertClose("trace", ref.get(8), Linalg.trace(a), 1e-15);
        assertClose("diagonal of a transposed view", ref.get(9), Linalg.diagonal(Linalg.mT(a), 1), 0);
        assertClose("diagEmbed", ref.get(10), Linalg.diagEmbed(v), 0);
    }

    @Test
    void infinitiesOutsideTheKeptPartDoNotLeak() {
        Tensor a = Tensor.full(Double.POSITIVE_INFINITY, DType.FLOAT64, 3, 3);
        Tensor lower = Linalg.tril(Tensor.ones(DType.FLOAT64, 3, 3)).add(Linalg.triu(a, 1));
        assertClose("tril of a matrix infinite above", Linalg.tril(Tensor.ones(DType.FLOAT64, 3, 3)), Linalg.tril(lower), 0);
    }

    @Test
    void vectorsAreNotMatrices() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.tril(Tensor.zeros(DType.FLOAT64, 3))),
                "tril", "[3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.diagEmbed(Tensor.scalar(1))),
                "diagEmbed", "vector");
    }
}

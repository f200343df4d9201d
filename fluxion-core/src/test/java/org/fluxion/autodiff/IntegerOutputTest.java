package org.fluxion.autodiff;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An integer or bool output has no derivative: every transform and the tape's backward say so, naming the
 * dtype, instead of returning zeros (issue 9, item 5: {@code grad(x -> x.argmax())} returned zeros).
 */
class IntegerOutputTest {
    private static final Tensor X = Tensor.of(new double[] {1, 3, 2}, 3);

    private static void assertRefused(String op, String dtype, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertMessage(e, op + ":", dtype, "not floating point");
    }

    @Test
    void transformsOfAnArgmaxOrAComparisonAreRefused() {
        Function<Tensor, Tensor> argmax = Tensor::argmax;
        assertRefused("grad", "int64", () -> Functional.grad(argmax).apply(X));
        assertRefused("grad", "int64", () -> Functional.valueAndGrad(argmax).apply(X));
        assertRefused("grad", "bool", () -> Functional.grad((Tensor x) -> x.sum().gt(1)).apply(X));
        assertRefused("grad", "int64", () -> Functional.treeGrad((List<Tensor> p) -> p.get(0).argmax())
                .apply(List.of(X)));
        assertRefused("vjp", "int64", () -> Functional.vjp((Tensor x) -> x.argmax(0, false), X));
        assertRefused("jacobian", "bool", () -> Functional.jacobian((Tensor x) -> x.gt(1)).apply(X));
        assertRefused("jacfwd", "bool", () -> Functional.jacfwd((Tensor x) -> x.gt(1)).apply(X));
        assertRefused("grad", "int64", () -> Functional.hessian((Tensor x) -> x.argmax()).apply(X));
        assertRefused("grad", "int32", () -> Functional.hvp((Tensor x) -> x.sum().to(DType.INT32), X, X));
    }

    @Test
    void backwardAndGradOfAnIntegerTensorAreRefused() {
        Tensor x = X.copy().requiresGrad(true);
        assertRefused("backward", "int64", () -> x.argmax().backward());
        assertRefused("backward", "int32", () -> Tensor.of(new int[] {1}, 1).backward());
        assertRefused("grad", "int64",
                () -> Autograd.grad(x.mul(2).argmax(), new Tensor[] {x}, null, false, false));
    }

    @Test
    void jvpOfAnIntegerOutputIsAZeroTangentOfItsType() {
        Functional.JvpResult r = Functional.jvp((Tensor x) -> x.argmax(), X, Tensor.ones(DType.FLOAT64, 3));
        assertEquals(1, r.value().item());
        assertEquals(Tensor.zeros(DType.INT64), r.tangent());
    }
}

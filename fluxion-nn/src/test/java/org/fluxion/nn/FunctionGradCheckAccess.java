package org.fluxion.nn;

import java.util.function.Function;
import org.fluxion.tensor.Tensor;

/** {@link FunctionGradCheck} for the tests of the sub-packages of {@code nn}. */
public final class FunctionGradCheckAccess {
    private FunctionGradCheckAccess() {
    }

    public static void check(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, int order) {
        FunctionGradCheck.check(name, f, xs, tol, order);
    }
}

package org.fluxion.jit.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The graph that runs reads a {@code stopGradient} as its input (it is not differentiated again), so the elementwise
 * operations around it fuse; derivatives traced before that still stop at it.
 */
class StopGradientPassTest {
    private static final Tensor X = Tensor.randn(new SplittableRandom(4), DType.FLOAT32, 6, 5);

    @Test
    void detachedValuesFuseWithTheirNeighbours() {
        Jitted<Tensor, Tensor> f = Jit.jit((Tensor x) -> x.exp().detach().mul(x).sin());
        Tensor expected = X.exp().mul(X).sin();
        assertTrue(expected.allClose(f.apply(X), 1e-6, 1e-6));
        assertEquals(0, f.graph(X).count("stopGradient"), f.graph(X).toString());
        assertEquals(1, f.graph(X).equations().size(), "one fused kernel: " + f.graph(X));
    }

    /** Under jit(grad): the gradient of sum(sin(stop(exp(x)) * x)) is cos(exp(x) x) exp(x), no d/dx of exp. */
    @Test
    void theGradientStillStopsThere() {
        Jitted<Tensor, Tensor> g = Jit.jit(Functional.grad((Tensor x) -> x.exp().detach().mul(x).sin().sum()));
        Tensor expected = X.exp().mul(X).cos().mul(X.exp());
        assertTrue(expected.allClose(g.apply(X), 1e-5, 1e-5), g.apply(X) + " vs " + expected);
    }

    /** A stopGradient whose value is the result stays (the plan returns it as a view of the input). */
    @Test
    void aDetachedResultStays() {
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit((List<Tensor> in) -> List.of(in.get(0).exp().detach(),
                in.get(0).exp().detach().add(1)));
        List<Tensor> out = f.apply(List.of(X));
        assertTrue(X.exp().allClose(out.get(0), 1e-6, 1e-6));
        assertTrue(X.exp().add(1).allClose(out.get(1), 1e-6, 1e-6));
    }
}

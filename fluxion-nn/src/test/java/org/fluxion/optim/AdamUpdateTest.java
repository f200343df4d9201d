package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.TreeGradCheck;
import org.junit.jupiter.api.Test;

/** Adam's one-pass update: the kernel against its composite formula, its rules against finite differences, jit. */
class AdamUpdateTest {
    private static final AdamUpdate ADAM = new AdamUpdate(0.9, 0.999, 1e-8);

    /** g, m, v (positive) of one shape, and t. */
    private static List<Tensor> inputs(DType d, int n) {
        SplittableRandom rng = new SplittableRandom(3);
        return List.of(Tensor.randn(rng, d, n), Tensor.randn(rng, d, n).mul(0.1), Tensor.rand(rng, d, n).add(0.01),
                Tensor.scalar(3, DType.FLOAT64));
    }

    @Test
    void kernelEqualsTheCompositeFormula() {
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            // 100,003 elements: several parallel chunks and a scalar tail after the vector loop
            List<Tensor> in = inputs(d, 100_003);
            Tensor[] kernel = Ops.bindAll(ADAM, in.toArray(Tensor[]::new));
            Tensor[] composite = ADAM.composite(in.get(0), in.get(1), in.get(2), in.get(3));
            double tol = d == DType.FLOAT32 ? 1e-6 : 1e-14;
            for (int k = 0; k < 3; k++) {
                assertEquals(d, kernel[k].dtype());
                assertTrue(composite[k].allClose(kernel[k], tol, tol), d + " output " + k + " max difference "
                        + composite[k].to(DType.FLOAT64).sub(kernel[k].to(DType.FLOAT64)).abs().max().item());
            }
        }
    }

    /** Every output, in a random combination, differentiated in g, m, v and t: reverse, forward, second order. */
    @Test
    void rulesMatchFiniteDifferences() {
        List<Tensor> in = inputs(DType.FLOAT64, 7);
        Tensor[] r = {Tensor.randn(new SplittableRandom(8), DType.FLOAT64, 7), Tensor.randn(new SplittableRandom(9),
                DType.FLOAT64, 7), Tensor.randn(new SplittableRandom(10), DType.FLOAT64, 7)};
        Function<List<Tensor>, Tensor> f = x -> {
            Tensor[] y = Ops.bindAll(ADAM, x.toArray(Tensor[]::new));
            return y[0].mul(r[0]).sum().add(y[1].mul(r[1]).sum()).add(y[2].mul(r[2]).sum());
        };
        TreeGradCheck.check("adam_update", f, in, 1e-5, true);
    }

    @Test
    void compiledEqualsEager() {
        List<Tensor> in = inputs(DType.FLOAT32, 1000);
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit(x -> List.of(Ops.bindAll(ADAM, x.toArray(Tensor[]::new))));
        List<Tensor> jitted = f.apply(in);
        Tensor[] eager = Ops.bindAll(ADAM, in.toArray(Tensor[]::new));
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(eager[k].toDoubleArray(), jitted.get(k).toDoubleArray(), 0, "output " + k);
        }
    }

    @Test
    void badInputsNameTheOperation() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ops.bindAll(ADAM, Tensor.zeros(3), Tensor.zeros(4),
                Tensor.zeros(3), Tensor.scalar(1, DType.FLOAT64)));
        assertTrue(e.getMessage().contains("adam_update") && e.getMessage().contains("one shape"), e.getMessage());
    }
}

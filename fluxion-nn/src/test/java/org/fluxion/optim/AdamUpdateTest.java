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

    /** The applied form ({@code p + u c} in u's place, p a fifth input): kernel, rules. */
    @Test
    void appliedFormEqualsItsCompositeAndDifferentiates() {
        AdamUpdate applied = (AdamUpdate) ADAM.withScaledAdd(0, -1e-3);
        assertEquals("adam_apply", applied.name());
        assertEquals(null, applied.withScaledAdd(0, 0.5));
        assertEquals(null, ADAM.withScaledAdd(1, 0.5));
        for (DType d : List.of(DType.FLOAT32, DType.FLOAT64)) {
            List<Tensor> in = new java.util.ArrayList<>(inputs(d, 100_003));
            in.add(Tensor.randn(new SplittableRandom(4), d, 100_003));
            Tensor[] kernel = Ops.bindAll(applied, in.toArray(Tensor[]::new));
            Tensor[] composite = applied.composite(in.toArray(Tensor[]::new));
            for (int k = 0; k < 3; k++) {
                // the same roundings in the same order: equal, lane or scalar tail
                assertArrayEquals(composite[k].toDoubleArray(), kernel[k].toDoubleArray(), 0, d + " output " + k);
            }
        }
        List<Tensor> in = new java.util.ArrayList<>(inputs(DType.FLOAT64, 7));
        in.add(Tensor.randn(new SplittableRandom(5), DType.FLOAT64, 7));
        Tensor r = Tensor.randn(new SplittableRandom(8), DType.FLOAT64, 7);
        Function<List<Tensor>, Tensor> f = x -> {
            Tensor[] y = Ops.bindAll(applied, x.toArray(Tensor[]::new));
            return y[0].mul(r).sum().add(y[1].sum()).add(y[2].mul(y[0]).sum());
        };
        TreeGradCheck.check("adam_apply", f, in, 1e-5, true);
    }

    /**
     * A compiled step's {@code p + (-lr) u} after the update becomes the update's applied form: one step, the
     * parameter written in the same pass, the same bits as the two steps.
     */
    @Test
    void compiledUpdateThenApplyIsOnePassWithTheSameBits() {
        List<Tensor> in = new java.util.ArrayList<>(inputs(DType.FLOAT32, 1003));
        in.add(Tensor.randn(new SplittableRandom(6), DType.FLOAT32, 1003));
        Function<List<Tensor>, List<Tensor>> step = x -> {
            Tensor[] y = Ops.bindAll(ADAM, x.subList(0, 4).toArray(Tensor[]::new));
            return List.of(x.get(4).add(y[0].mul(-1e-3)), y[1], y[2]);
        };
        Jitted<List<Tensor>, List<Tensor>> f = Jit.jit(step);
        var g = f.graph(in);
        assertEquals(1, g.count("adam_apply"), g.toString());
        assertEquals(0, g.count("adam_update") + g.count("fused"), g.toString());
        List<Tensor> jitted = f.apply(in);
        List<Tensor> eager = step.apply(in);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(eager.get(k).toDoubleArray(), jitted.get(k).toDoubleArray(), 0, "output " + k);
        }
        // donated moments and parameter (a training step's state): the outputs may be written over them, so the
        // kernel reads each element of p before it stores any output
        for (int round = 0; round < 2; round++) {
            List<Tensor> fresh = in.stream().map(t -> t.add(0)).toList();
            List<Tensor> donated = Jit.jit(step).donating((List<Tensor> x) -> x.subList(1, 5)).apply(fresh);
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(eager.get(k).toDoubleArray(), donated.get(k).toDoubleArray(), 0, "donated " + k);
            }
        }
        // u read by anything else too: the update stays as it is
        Jitted<List<Tensor>, List<Tensor>> both = Jit.jit(x -> {
            Tensor[] y = Ops.bindAll(ADAM, x.subList(0, 4).toArray(Tensor[]::new));
            return List.of(x.get(4).add(y[0].mul(-1e-3)), y[0]);
        });
        assertEquals(0, both.graph(in).count("adam_apply"), both.graph(in).toString());
    }

    @Test
    void badInputsNameTheOperation() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ops.bindAll(ADAM, Tensor.zeros(3), Tensor.zeros(4),
                Tensor.zeros(3), Tensor.scalar(1, DType.FLOAT64)));
        assertTrue(e.getMessage().contains("adam_update") && e.getMessage().contains("one shape"), e.getMessage());
    }
}

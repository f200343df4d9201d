package org.fluxion.optim;

import static org.fluxion.optim.GradientTransformation.applyUpdates;
import static org.fluxion.optim.GradientTransformation.chain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.Tree;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole training step (loss, gradient, clipping, AdamW with a mask and a cosine schedule) as a pure function
 * of a record, compiled by jit against the same function run eagerly; the optimizer state as a tree
 * (flattened, saved, differentiated through).
 */
class CompiledStepTest {
    record Params(Tensor w1, Tensor b1, List<Tensor> head) {
    }

    record TrainState(Params params, Object opt) {
    }

    private static final GradientTransformation TX = chain(Transformations.clipByGlobalNorm(1),
            Transformations.adamw(LearningRateSchedule.cosine(0.05, 10, 0.001), 0.9, 0.999, 1e-8, 0.01,
                    p -> p.rank() > 1));

    private static Params init() {
        SplittableRandom rng = new SplittableRandom(7);
        return new Params(Tensor.randn(rng, DType.FLOAT32, 3, 8), Tensor.zeros(8),
                List.of(Tensor.randn(rng, DType.FLOAT32, 8, 2), Tensor.zeros(2)));
    }

    private static final Tensor X = Tensor.randn(new SplittableRandom(1), DType.FLOAT32, 16, 3);
    private static final Tensor Y = Tensor.randn(new SplittableRandom(2), DType.FLOAT32, 16, 2);

    static Tensor loss(Params p) {
        Tensor h = X.matmul(p.w1()).add(p.b1()).tanh();
        return h.matmul(p.head().get(0)).add(p.head().get(1)).sub(Y).square().mean();
    }

    static TrainState step(TrainState s) {
        Params g = Functional.treeGrad(CompiledStepTest::loss).apply(s.params());
        GradientTransformation.Update<Params> u = TX.update(g, s.opt(), s.params());
        return new TrainState(applyUpdates(s.params(), u.updates()), u.state());
    }

    @Test
    void compiledStepEqualsEagerOverTenStepsAndTracesOnce() {
        Jitted<TrainState, TrainState> compiled = Jit.jit(CompiledStepTest::step);
        TrainState a = new TrainState(init(), TX.init(init()));
        TrainState b = a;
        double before = loss(a.params()).item();
        for (int i = 0; i < 10; i++) {
            a = compiled.apply(a);
            b = step(b);
        }
        assertEquals(1, compiled.traceCount(), "the step count is a tensor: one trace for all steps");
        List<Tensor> ja = Tree.leaves(a);
        List<Tensor> eb = Tree.leaves(b);
        assertEquals(eb.size(), ja.size());
        for (int i = 0; i < ja.size(); i++) {
            assertTrue(ja.get(i).allClose(eb.get(i), 1e-4, 1e-5), "leaf " + i + ": " + ja.get(i) + " vs " + eb.get(i));
        }
        assertTrue(loss(a.params()).item() < before, "the compiled steps train");
        assertTrue(compiled.graph(a).count("fused") > 0, "the update compiles into fused kernels");
    }

    /** The functional float32 Adam (tensor operations) against the eager Adam's fused kernel, to float32 rounding. */
    @Test
    void fusedEagerKernelAgreesWithTheTransformation() {
        Tensor c = Tensor.rand(6, 3, 40_000);
        Tensor eager = Tensor.randn(5, 3, 40_000).requiresGrad(true);
        Tensor functional = eager.detach().copy();
        for (Adam opt : List.of(new Adam(0.01), new AdamW(0.01, 0.9, 0.999, 1e-8, 0.1))) {
            GradientTransformation tx = opt instanceof AdamW ? Transformations.adamw(0.01, 0.1) : Transformations.adam(0.01);
            Object state = tx.init(functional);
            for (int t = 0; t < 3; t++) {
                eager.zeroGrad();
                eager.square().mul(c).sum().backward();
                opt.step(Map.of("w", eager));
                var u = tx.update(functional.mul(2).mul(c), state, functional);
                functional = applyUpdates(functional, u.updates());
                state = u.state();
            }
            assertTrue(eager.detach().allClose(functional, 1e-5, 1e-6), opt.getClass().getSimpleName());
            var adam = (Transformations.AdamState) ((List<?>) state).get(0);
            Tensor nu = (Tensor) adam.nu();
            assertTrue(opt.state().get("w.exp_avg_sq").allClose(nu, 1e-5, 1e-9),
                    "max difference " + opt.state().get("w.exp_avg_sq").sub(nu).abs().max().item());
            functional = eager.detach().copy();
        }
    }

    /** The state is a tree of tensors: named by leaf index it round-trips through a safetensors checkpoint. */
    @Test
    void stateSurvivesACheckpoint(@TempDir Path dir) throws Exception {
        TrainState s = new TrainState(init(), TX.init(init()));
        for (int i = 0; i < 3; i++) {
            s = step(s);
        }
        Tree.Flat flat = Tree.flatten(s.opt());
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < flat.leaves().size(); i++) {
            named.put(String.valueOf(i), flat.leaves().get(i));
        }
        Path file = dir.resolve("opt.safetensors");
        Checkpoint.save(file, Map.of(), named, Map.of());
        assertTrue(Files.size(file) > 0);
        Map<String, Tensor> loaded = Checkpoint.load(file).optimizerState();
        List<Tensor> leaves = java.util.stream.IntStream.range(0, loaded.size())
                .mapToObj(i -> loaded.get(String.valueOf(i))).toList();
        TrainState restored = new TrainState(s.params(), flat.def().unflatten(leaves));
        TrainState continued = step(s);
        TrainState resumed = step(restored);
        assertArrayEquals(Tree.leaves(continued).stream().flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray(),
                Tree.leaves(resumed).stream().flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray(), 0);
    }

    /**
     * Differentiating through an update: the loss after one RMSProp step with momentum and decay, as a function
     * of the starting point, against central finite differences (float64).
     */
    @Test
    void gradientThroughAnUpdate() {
        GradientTransformation tx = chain(Transformations.addDecayedWeights(0.1), Transformations.rmsprop(0.05, 0.9, 1e-8, 0.5));
        Tensor c = Tensor.of(new double[] {1, 3, 2}, 3);
        Function<Tensor, Tensor> lossAfterStep = p -> {
            Tensor g = p.mul(c);
            Tensor next = applyUpdates(p, tx.update(g, tx.init(p), p).updates());
            return next.square().mul(c).sum().mul(0.5);
        };
        Tensor p0 = Tensor.of(new double[] {1, -2, 0.5}, 3);
        double[] grad = Functional.grad(lossAfterStep).apply(p0).toDoubleArray();
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] up = p0.toDoubleArray();
            double[] down = p0.toDoubleArray();
            up[i] += h;
            down[i] -= h;
            double fd = (lossAfterStep.apply(Tensor.of(up, 3)).item() - lossAfterStep.apply(Tensor.of(down, 3)).item()) / (2 * h);
            assertEquals(fd, grad[i], 1e-6, "coordinate " + i);
        }
    }
}

package org.fluxion.optim;

import static org.fluxion.optim.GradientTransformation.applyUpdates;
import static org.fluxion.optim.GradientTransformation.chain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.Tree;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each transformation's first three updates on a map of two parameters against a scalar re-derivation of its
 * formula (PyTorch's for the optimizers), on {@code L(p) = 0.5 sum c_k p_k^2} (gradient {@code c_k p_k}) from
 * {@code a = [1, -2], b = [0.5]}, {@code c = [1, 3, 2]}; chain order; clipping; masks.
 */
class TransformationsTest {
    private static final double[] START = {1, -2, 0.5};
    private static final double[] C = {1, 3, 2};

    /** One scalar update rule with its own state, for coordinate k (a[0], a[1], b[0]) at step t (1-based). */
    interface Reference {
        double update(int k, double p, double g, int t);
    }

    static Map<String, Tensor> params(double[] v) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("a", Tensor.of(new double[] {v[0], v[1]}, 2));
        p.put("b", Tensor.of(new double[] {v[2]}, 1));
        return p;
    }

    static Map<String, Tensor> grads(Map<String, Tensor> p) {
        return Tree.map(p, params(C), Tensor::mul);
    }

    static double[] values(Object tree) {
        return Tree.leaves(tree).stream().flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray();
    }

    static void check(String what, GradientTransformation tx, Reference ref) {
        Map<String, Tensor> p = params(START);
        Object state = tx.init(p);
        double[] expected = START.clone();
        for (int t = 1; t <= 3; t++) {
            GradientTransformation.Update<Map<String, Tensor>> u = tx.update(grads(p), state, p);
            p = applyUpdates(p, u.updates());
            state = u.state();
            for (int k = 0; k < 3; k++) {
                expected[k] = ref.update(k, expected[k], C[k] * expected[k], t);
            }
            assertArrayEquals(expected, values(p), 1e-12, what + " step " + t);
        }
    }

    /** PyTorch's Adam, coupled L2 ({@code wd}) or decoupled ({@code decay}, on coordinates below {@code masked}). */
    static Reference pytorchAdam(double lr, double b1, double b2, double eps, double wd, double decay, int decayed) {
        double[] m = new double[3];
        double[] v = new double[3];
        return (k, p, g, t) -> {
            g += wd * p;
            double q = k < decayed ? p * (1 - lr * decay) : p;
            m[k] = b1 * m[k] + (1 - b1) * g;
            v[k] = b2 * v[k] + (1 - b2) * g * g;
            double mHat = m[k] / (1 - Math.pow(b1, t));
            double vHat = v[k] / (1 - Math.pow(b2, t));
            return q - lr * mHat / (Math.sqrt(vHat) + eps);
        };
    }

    @Test
    void adamAdamWAndL2AgainstPyTorchsFormulas() {
        check("adam", Transformations.adam(0.1), pytorchAdam(0.1, 0.9, 0.999, 1e-8, 0, 0, 0));
        check("adam b1 b2 eps", Transformations.adam(0.05, 0.8, 0.99, 1e-3), pytorchAdam(0.05, 0.8, 0.99, 1e-3, 0, 0, 0));
        check("adam + L2", chain(Transformations.addDecayedWeights(0.05), Transformations.adam(0.1)),
                pytorchAdam(0.1, 0.9, 0.999, 1e-8, 0.05, 0, 0));
        check("adamw", Transformations.adamw(0.1, 0.2), pytorchAdam(0.1, 0.9, 0.999, 1e-8, 0, 0.2, 3));
        // the mask decays a (two elements), not b
        check("adamw masked", Transformations.adamw(0.1, 0.9, 0.999, 1e-8, 0.2, p -> p.size() > 1),
                pytorchAdam(0.1, 0.9, 0.999, 1e-8, 0, 0.2, 2));
    }

    @Test
    void sgdMomentumNesterovDampening() {
        check("sgd", Transformations.sgd(0.1), (k, p, g, t) -> p - 0.1 * g);
        double[] b = new double[3];
        check("sgd nesterov", Transformations.sgd(0.1, 0.9, true), (k, p, g, t) -> {
            b[k] = 0.9 * b[k] + g;
            return p - 0.1 * (g + 0.9 * b[k]);
        });
        double[] d = new double[3];
        check("sgd dampening", Transformations.sgd(0.1, 0.9, 0.3, false), (k, p, g, t) -> {
            d[k] = t == 1 ? g : 0.9 * d[k] + 0.7 * g;
            return p - 0.1 * d[k];
        });
    }

    @Test
    void rmsPropAndAdagrad() {
        double[] v = new double[3];
        double[] b = new double[3];
        check("rmsprop momentum", Transformations.rmsprop(0.01, 0.9, 1e-6, 0.5), (k, p, g, t) -> {
            v[k] = 0.9 * v[k] + 0.1 * g * g;
            b[k] = 0.5 * b[k] + g / (Math.sqrt(v[k]) + 1e-6);
            return p - 0.01 * b[k];
        });
        double[] s = {0.1, 0.1, 0.1};
        check("adagrad", Transformations.adagrad(0.5, 0.1, 0.1, 1e-10), (k, p, g, t) -> {
            s[k] += g * g;
            return p - 0.5 / (1 + (t - 1) * 0.1) * g / (Math.sqrt(s[k]) + 1e-10);
        });
    }

    @Test
    void schedulesReadTheCountInTheState() {
        check("scaleByLearningRate", Transformations.scaleByLearningRate(LearningRateSchedule.exponential(0.1, 0.5)),
                (k, p, g, t) -> p - 0.1 * Math.pow(0.5, t - 1) * g);
        check("scaleBySchedule", chain(Transformations.scaleBySchedule(LearningRateSchedule.step(0.1, 2, 0.5)),
                Transformations.scale(-1)), (k, p, g, t) -> p - 0.1 * Math.pow(0.5, (t - 1) / 2) * g);
        Object state = Transformations.adam(0.1).init(params(START));
        for (int i = 0; i < 4; i++) {
            state = Transformations.adam(0.1).update(grads(params(START)), state, params(START)).state();
        }
        var adamState = (Transformations.AdamState) ((List<?>) state).get(0);
        assertEquals(4, adamState.count().item(), 0);
        assertEquals(DType.FLOAT64, adamState.count().dtype());
    }

    /** The tensor form of every factory schedule equals its long form, eagerly and compiled (floor included). */
    @Test
    void scheduleTensorFormsEqualTheirLongForms() {
        for (LearningRateSchedule s : List.of(LearningRateSchedule.constant(0.3), LearningRateSchedule.step(0.1, 3, 0.5),
                LearningRateSchedule.exponential(1, 0.9), LearningRateSchedule.inverseTime(0.5, 0.1),
                LearningRateSchedule.cosine(1, 10, 0.1),
                LearningRateSchedule.warmup(4, LearningRateSchedule.step(1, 2, 0.5)))) {
            var compiled = org.fluxion.jit.Jit.jit((Tensor t) -> s.at(t));
            for (long t = 0; t < 14; t++) {
                Tensor step = Tensor.scalar(t, DType.FLOAT64);
                assertEquals(s.at(t), s.at(step).item(), 1e-12, "step " + t);
                assertEquals(s.at(t), compiled.apply(step).item(), 1e-12, "compiled, step " + t);
            }
            assertEquals(1, compiled.traceCount());
        }
    }

    /** A schedule written as a Java lambda works eagerly and says why it cannot be compiled. */
    @Test
    void javaLambdaSchedulesAreEagerOnly() {
        LearningRateSchedule s = LearningRateSchedule.warmup(2, step -> 0.25 / (1 + step));
        assertEquals(s.at(5), s.at(Tensor.scalar(5, DType.FLOAT64)).item(), 1e-15);
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> org.fluxion.jit.Jit.jit((Tensor t) -> s.at(t)).apply(Tensor.scalar(5, DType.FLOAT64)));
        assertTrue(String.valueOf(e.getMessage()).contains("override at(Tensor)"), e.toString());
    }

    @Test
    void chainAppliesInOrder() {
        Map<String, Tensor> g = params(new double[] {3, 4, 12}); // global norm 13
        var clipThenDouble = chain(Transformations.clipByGlobalNorm(1), Transformations.scale(2));
        var doubleThenClip = chain(Transformations.scale(2), Transformations.clipByGlobalNorm(1));
        assertEquals(2, Transformations.globalNorm(clipThenDouble.update(g, clipThenDouble.init(g), null).updates())
                .item(), 1e-12);
        assertEquals(1, Transformations.globalNorm(doubleThenClip.update(g, doubleThenClip.init(g), null).updates())
                .item(), 1e-12);
        assertArrayEquals(new double[] {6 / 13.0, 8 / 13.0, 24 / 13.0},
                values(clipThenDouble.update(g, clipThenDouble.init(g), null).updates()), 1e-12);
        assertEquals(2, ((List<?>) clipThenDouble.init(g)).size());
    }

    @Test
    void clipByGlobalNormKeepsSmallAndZeroGradients() {
        var clip = Transformations.clipByGlobalNorm(5);
        Map<String, Tensor> zero = params(new double[3]);
        double[] clipped = values(clip.update(zero, clip.init(zero), null).updates());
        assertArrayEquals(new double[3], clipped, 0); // no 0/0
        Map<String, Tensor> small = params(new double[] {1, -2, 2});
        assertArrayEquals(new double[] {1, -2, 2}, values(clip.update(small, clip.init(small), null).updates()), 1e-15);
        Map<String, Tensor> big = params(new double[] {3, 4, 12});
        assertArrayEquals(new double[] {15 / 13.0, 20 / 13.0, 60 / 13.0},
                values(clip.update(big, clip.init(big), null).updates()), 1e-12);
    }

    @Test
    void addDecayedWeightsMaskAndMissingParameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        p.put("bias", Tensor.of(new double[] {5, 6}, 2));
        var decay = Transformations.addDecayedWeights(0.5, t -> t.rank() > 1);
        Map<String, Tensor> u = decay.update(Tree.map(p, Tensor::neg), decay.init(p), p).updates();
        assertArrayEquals(new double[] {-0.5, -1, -1.5, -2}, u.get("w").toDoubleArray(), 0);
        assertArrayEquals(new double[] {-5, -6}, u.get("bias").toDoubleArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decay.update(p, decay.init(p), null));
        assertTrue(e.getMessage().contains("addDecayedWeights: needs the parameters"), e.getMessage());
    }

    record Layer(Tensor weight, Tensor bias) {
    }

    record Model(Layer first, List<Tensor> extra) {
    }

    /** Records, lists and maps as parameter trees: the updates keep the structure, the state mirrors it. */
    @Test
    void treesOfRecordsListsAndMaps() {
        Model m = new Model(new Layer(Tensor.of(new double[] {1, -2}, 2), Tensor.of(new double[] {0.5}, 1)),
                List.of(Tensor.of(new double[] {3}, 1)));
        var tx = chain(Transformations.clipByGlobalNorm(10), Transformations.adamw(0.1, 0.01));
        Object state = tx.init(m);
        var u = tx.update(Tree.map(m, t -> t.mul(2)), state, m);
        Model next = applyUpdates(m, u.updates());
        assertInstanceOf(Model.class, u.updates());
        // Adam's first step moves every coordinate by lr against its gradient's sign, plus the decoupled decay
        assertArrayEquals(new double[] {1 - 0.1 - 0.001, -2 + 0.1 + 0.002, 0.5 - 0.1 - 0.0005, 3 - 0.1 - 0.003},
                values(next), 1e-7);
        Tree.Flat flat = Tree.flatten(u.state());
        assertEquals(1 + 2 * 3, flat.leaves().size()); // the count, and two moments per parameter
        var adam = (Transformations.AdamState) ((List<?>) ((List<?>) u.state()).get(1)).get(0);
        assertInstanceOf(Model.class, adam.mu());
        assertThrows(IllegalArgumentException.class,
                () -> tx.update(params(START), tx.init(m), params(START)), "a state made for another tree");
    }
}

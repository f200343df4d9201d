package org.fluxion.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.ops.Ops;
import org.fluxion.optim.GradientTransformation.Update;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The {@link GradientTransformation}s (Optax's building blocks) and the familiar optimizers as chains of
 * them. Everything is written with tensor operations on the leaves, so an update runs eagerly, traces under
 * {@code jit} (the update of a whole tree compiles into fused kernels) and differentiates. Hyperparameters
 * are Java numbers (constants of a compiled step); the step count is a float64 scalar tensor in the state.
 *
 * <p>Sign convention (Optax's): the building blocks transform gradients into directions of ascent;
 * {@link #scale}{@code (-lr)} or {@link #scaleByLearningRate} at the end of a chain turns them into the
 * updates that {@link GradientTransformation#applyUpdates} adds to the parameters. Where to put the weight
 * decay says which decay it is: {@code chain(addDecayedWeights(wd), scaleByAdam(), scale(-lr))} is Adam with
 * L2 regularization (PyTorch's {@code Adam(weight_decay=wd)}), {@code chain(scaleByAdam(),
 * addDecayedWeights(wd), scale(-lr))} is AdamW.
 */
public final class Transformations {
    private Transformations() {
    }

    // ---------------------------------------------------------------- states (trees of tensors)

    /** The state of a transformation that keeps nothing. */
    public record EmptyState() {
    }

    /** The number of updates done so far, a float64 scalar. */
    public record CountState(Tensor count) {
    }

    /** A momentum buffer per leaf; {@code count} (updates done) only with dampening, else null. */
    public record TraceState(Tensor count, Object trace) {
    }

    /** Adam's updates done ({@code count}, float64 scalar), first moments {@code mu}, second moments {@code nu}. */
    public record AdamState(Tensor count, Object mu, Object nu) {
    }

    /** RMSProp's running mean of squared gradients per leaf. */
    public record RmsState(Object nu) {
    }

    /** Adagrad's sum of squared gradients per leaf. */
    public record AdagradState(Object sum) {
    }

    // ---------------------------------------------------------------- building blocks

    /** {@code u -> factor u}. State: {@link EmptyState}. */
    public static GradientTransformation scale(double factor) {
        return new Stateless("scale") {
            @Override
            Tensor apply(Tensor u, Tensor p) {
                return u.mul(factor);
            }
        };
    }

    /**
     * {@code u -> schedule(count) u}, with {@code count} the updates done before this one (so the first update
     * uses {@code schedule.at(0)}). State: {@link CountState}.
     */
    public static GradientTransformation scaleBySchedule(LearningRateSchedule schedule) {
        return new ScaleBySchedule(schedule, false);
    }

    /** {@code u -> -schedule(count) u}: the learning rate of a schedule, descending. State: {@link CountState}. */
    public static GradientTransformation scaleByLearningRate(LearningRateSchedule schedule) {
        return new ScaleBySchedule(schedule, true);
    }

    /**
     * Scales every leaf by {@code maxNorm / max(n, maxNorm)}, {@code n = sqrt(sum over leaves of sum u^2)}
     * (TensorFlow's {@code clip_by_global_norm}): the directions are kept, the global norm is at most
     * {@code maxNorm}; a zero tree stays zero. State: {@link EmptyState}.
     */
    public static GradientTransformation clipByGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipByGlobalNorm: maxNorm must be > 0, got " + maxNorm);
        }
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                return new EmptyState();
            }

            @Override
            public <T> Update<T> update(T updates, Object state, T params) {
                Tensor norm = globalNorm(updates);
                Tensor factor = Tensor.scalar(maxNorm, DType.FLOAT64).div(norm.maximum(maxNorm));
                return new Update<>(Tree.map(updates, u -> u.mul(factor.to(u.dtype()))), state);
            }
        };
    }

    /** {@code sqrt(sum over leaves of sum u^2)} as a float64 scalar (each leaf summed in its own dtype). */
    public static Tensor globalNorm(Object tree) {
        Tensor squares = Tensor.scalar(0, DType.FLOAT64);
        for (Tensor u : Tree.leaves(tree)) {
            squares = squares.add(u.square().sum().to(DType.FLOAT64));
        }
        return squares.sqrt();
    }

    /** {@code u -> u + wd p} on every leaf; see {@link #addDecayedWeights(double, Predicate)}. */
    public static GradientTransformation addDecayedWeights(double weightDecay) {
        return addDecayedWeights(weightDecay, p -> true);
    }

    /**
     * {@code u -> u + wd p} on the leaves whose parameter {@code mask} accepts ({@code p -> p.rank() > 1}
     * decays weight matrices and kernels, not biases nor norm scales); other leaves pass unchanged. After the
     * scaling of Adam this is AdamW's decoupled decay, before it L2 regularization. Needs the parameters.
     * State: {@link EmptyState}.
     */
    public static GradientTransformation addDecayedWeights(double weightDecay, Predicate<Tensor> mask) {
        return new Stateless("addDecayedWeights") {
            @Override
            Tensor apply(Tensor u, Tensor p) {
                if (weightDecay == 0 || !mask.test(p)) {
                    return u;
                }
                return u.add(p.to(u.dtype()).mul(weightDecay));
            }

            @Override
            boolean needsParams() {
                return weightDecay != 0;
            }
        };
    }

    /** Momentum without dampening; see {@link #trace(double, double, boolean)}. */
    public static GradientTransformation trace(double decay, boolean nesterov) {
        return trace(decay, 0, nesterov);
    }

    /**
     * Momentum (PyTorch's SGD buffer): {@code b = decay b + (1 - dampening) u}, except {@code b = u} on the first
     * update; the result is {@code b}, or {@code u + decay b} with Nesterov. A subnormal {@code b} is stored as zero
     * ({@link Subnormals}). State: {@link TraceState} (with a count only when {@code dampening != 0}, to know the
     * first update).
     *
     * @throws IllegalArgumentException for Nesterov without a positive decay or with dampening (PyTorch's rule)
     */
    public static GradientTransformation trace(double decay, double dampening, boolean nesterov) {
        if (nesterov && (decay <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("trace: Nesterov momentum requires decay > 0 and zero dampening, got decay "
                    + decay + ", dampening " + dampening);
        }
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                return new TraceState(dampening == 0 ? null : Tensor.scalar(0, DType.FLOAT64), zerosLike(params));
            }

            @Override
            public <T> Update<T> update(T updates, Object state, T params) {
                TraceState s = cast("trace", state, TraceState.class);
                Tree.Flat g = Tree.flatten(updates);
                List<Tensor> b = leavesLike("trace", "momentum", s.trace(), g.def());
                List<Tensor> out = new ArrayList<>();
                List<Tensor> buffers = new ArrayList<>();
                for (int i = 0; i < b.size(); i++) {
                    Tensor gi = g.leaves().get(i);
                    Tensor bi = Subnormals.flush(b.get(i).mul(decay).add(dampening == 0 ? gi : gi.mul(1 - dampening)));
                    if (dampening != 0) {
                        bi = Tensor.where(s.count().eq(0), gi, bi);
                    }
                    buffers.add(bi);
                    out.add(nesterov ? gi.add(bi.mul(decay)) : bi);
                }
                Tensor count = dampening == 0 ? null : s.count().add(1);
                return new Update<>(g.def().unflatten(out), new TraceState(count, g.def().unflatten(buffers)));
            }
        };
    }

    /** Adam's scaling with betas 0.9 and 0.999 and eps 1e-8. */
    public static GradientTransformation scaleByAdam() {
        return scaleByAdam(0.9, 0.999, 1e-8);
    }

    /**
     * Adam's scaling (Kingma and Ba) with bias correction, PyTorch's placement of eps: with {@code t} the
     * count after this update, {@code m = b1 m + (1 - b1) u}, {@code v = b2 v + (1 - b2) u^2},
     * {@code u -> (m / (1 - b1^t)) / (sqrt(v) / sqrt(1 - b2^t) + eps)}. State: {@link AdamState}. Each leaf is
     * one {@link AdamUpdate} (one pass over gradient and moments, compiled or not).
     */
    public static GradientTransformation scaleByAdam(double b1, double b2, double eps) {
        checkBeta("scaleByAdam", "b1", b1);
        checkBeta("scaleByAdam", "b2", b2);
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                return new AdamState(Tensor.scalar(0, DType.FLOAT64), zerosLike(params), zerosLike(params));
            }

            @Override
            public <T> Update<T> update(T updates, Object state, T params) {
                AdamState s = cast("scaleByAdam", state, AdamState.class);
                Tree.Flat g = Tree.flatten(updates);
                List<Tensor> m = leavesLike("scaleByAdam", "first moment", s.mu(), g.def());
                List<Tensor> v = leavesLike("scaleByAdam", "second moment", s.nu(), g.def());
                Tensor t = s.count().add(1);
                List<Tensor> out = new ArrayList<>();
                List<Tensor> ms = new ArrayList<>();
                List<Tensor> vs = new ArrayList<>();
                AdamUpdate adam = new AdamUpdate(b1, b2, eps);
                for (int i = 0; i < m.size(); i++) {
                    Tensor gi = g.leaves().get(i);
                    // one pass over g, m and v where their types agree (always, for a state made by init)
                    Tensor[] r = gi.type().equals(m.get(i).type()) && gi.type().equals(v.get(i).type())
                            && gi.dtype().isFloatingPoint()
                            ? Ops.bindAll(adam, gi, m.get(i), v.get(i), t)
                            : adam.composite(gi, m.get(i), v.get(i), t);
                    out.add(r[0]);
                    ms.add(r[1]);
                    vs.add(r[2]);
                }
                TreeDef def = g.def();
                return new Update<>(def.unflatten(out), new AdamState(t, def.unflatten(ms), def.unflatten(vs)));
            }
        };
    }

    /**
     * RMSProp's scaling (uncentered, PyTorch's placement of eps): {@code v = alpha v + (1 - alpha) u^2},
     * {@code u -> u / (sqrt(v) + eps)}, a subnormal {@code v} stored as zero ({@link Subnormals}). State:
     * {@link RmsState}.
     */
    public static GradientTransformation scaleByRms(double alpha, double eps) {
        checkBeta("scaleByRms", "alpha", alpha);
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                return new RmsState(zerosLike(params));
            }

            @Override
            public <T> Update<T> update(T updates, Object state, T params) {
                RmsState s = cast("scaleByRms", state, RmsState.class);
                Tree.Flat g = Tree.flatten(updates);
                List<Tensor> v = leavesLike("scaleByRms", "mean square", s.nu(), g.def());
                List<Tensor> out = new ArrayList<>();
                List<Tensor> vs = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    Tensor gi = g.leaves().get(i);
                    Tensor vi = Subnormals.flush(v.get(i).mul(alpha).add(gi.square().mul(1 - alpha)));
                    vs.add(vi);
                    out.add(gi.div(vi.sqrt().add(eps)));
                }
                return new Update<>(g.def().unflatten(out), new RmsState(g.def().unflatten(vs)));
            }
        };
    }

    /**
     * Adagrad's scaling (PyTorch's): {@code s = s + u^2} from {@code s = initialAccumulator},
     * {@code u -> u / (sqrt(s) + eps)}. State: {@link AdagradState}.
     */
    public static GradientTransformation scaleByAdagrad(double initialAccumulator, double eps) {
        if (!(initialAccumulator >= 0)) {
            throw new IllegalArgumentException("scaleByAdagrad: initialAccumulator must be >= 0, got "
                    + initialAccumulator);
        }
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                return new AdagradState(Tree.map(params, p -> Tensor.full(initialAccumulator, p.dtype(), p.dims())));
            }

            @Override
            public <T> Update<T> update(T updates, Object state, T params) {
                AdagradState s = cast("scaleByAdagrad", state, AdagradState.class);
                Tree.Flat g = Tree.flatten(updates);
                List<Tensor> sums = leavesLike("scaleByAdagrad", "sum of squares", s.sum(), g.def());
                List<Tensor> out = new ArrayList<>();
                List<Tensor> ss = new ArrayList<>();
                for (int i = 0; i < sums.size(); i++) {
                    Tensor gi = g.leaves().get(i);
                    Tensor si = sums.get(i).add(gi.square());
                    ss.add(si);
                    out.add(gi.div(si.sqrt().add(eps)));
                }
                return new Update<>(g.def().unflatten(out), new AdagradState(g.def().unflatten(ss)));
            }
        };
    }

    // ---------------------------------------------------------------- the familiar optimizers

    /** Plain SGD: {@code scale(-lr)}. */
    public static GradientTransformation sgd(double learningRate) {
        return sgd(learningRate, 0, false);
    }

    /** SGD with momentum (PyTorch's buffer) and optional Nesterov: {@code chain(trace(...), scale(-lr))}. */
    public static GradientTransformation sgd(double learningRate, double momentum, boolean nesterov) {
        return sgd(learningRate, momentum, 0, nesterov);
    }

    /** SGD with momentum, dampening and optional Nesterov: {@code chain(trace(...), scale(-lr))}. */
    public static GradientTransformation sgd(double learningRate, double momentum, double dampening, boolean nesterov) {
        return momentum == 0 ? scale(-learningRate)
                : GradientTransformation.chain(trace(momentum, dampening, nesterov), scale(-learningRate));
    }

    /** SGD with momentum and a learning-rate schedule. */
    public static GradientTransformation sgd(LearningRateSchedule learningRate, double momentum, boolean nesterov) {
        return momentum == 0 ? scaleByLearningRate(learningRate)
                : GradientTransformation.chain(trace(momentum, nesterov), scaleByLearningRate(learningRate));
    }

    /** Adam with betas 0.9 and 0.999, eps 1e-8 (PyTorch's defaults). */
    public static GradientTransformation adam(double learningRate) {
        return adam(learningRate, 0.9, 0.999, 1e-8);
    }

    /** Adam: {@code chain(scaleByAdam(b1, b2, eps), scale(-lr))}. */
    public static GradientTransformation adam(double learningRate, double b1, double b2, double eps) {
        return GradientTransformation.chain(scaleByAdam(b1, b2, eps), scale(-learningRate));
    }

    /** Adam with a learning-rate schedule: {@code chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(lr))}. */
    public static GradientTransformation adam(LearningRateSchedule learningRate, double b1, double b2, double eps) {
        return GradientTransformation.chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(learningRate));
    }

    /** AdamW with betas 0.9 and 0.999, eps 1e-8, decaying every leaf. */
    public static GradientTransformation adamw(double learningRate, double weightDecay) {
        return adamw(learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** AdamW, decaying every leaf; see {@link #adamw(double, double, double, double, double, Predicate)}. */
    public static GradientTransformation adamw(double learningRate, double b1, double b2, double eps, double weightDecay) {
        return adamw(learningRate, b1, b2, eps, weightDecay, p -> true);
    }

    /**
     * AdamW (Loshchilov and Hutter): {@code chain(scaleByAdam(b1, b2, eps), addDecayedWeights(wd, mask),
     * scale(-lr))}, i.e. PyTorch's {@code p *= 1 - lr wd} before the Adam step, on the leaves {@code mask} accepts.
     */
    public static GradientTransformation adamw(double learningRate, double b1, double b2, double eps,
                                               double weightDecay, Predicate<Tensor> mask) {
        return GradientTransformation.chain(scaleByAdam(b1, b2, eps), addDecayedWeights(weightDecay, mask),
                scale(-learningRate));
    }

    /** AdamW with a learning-rate schedule (the decay follows the schedule, as PyTorch's {@code lr wd}). */
    public static GradientTransformation adamw(LearningRateSchedule learningRate, double b1, double b2, double eps,
                                               double weightDecay, Predicate<Tensor> mask) {
        return GradientTransformation.chain(scaleByAdam(b1, b2, eps), addDecayedWeights(weightDecay, mask),
                scaleByLearningRate(learningRate));
    }

    /** RMSProp with alpha 0.99, eps 1e-8, no momentum (PyTorch's defaults). */
    public static GradientTransformation rmsprop(double learningRate) {
        return rmsprop(learningRate, 0.99, 1e-8, 0);
    }

    /** RMSProp: {@code chain(scaleByRms(alpha, eps), trace(momentum) when momentum != 0, scale(-lr))}. */
    public static GradientTransformation rmsprop(double learningRate, double alpha, double eps, double momentum) {
        return momentum == 0
                ? GradientTransformation.chain(scaleByRms(alpha, eps), scale(-learningRate))
                : GradientTransformation.chain(scaleByRms(alpha, eps), trace(momentum, false), scale(-learningRate));
    }

    /** Adagrad with no decay, accumulator starting at 0, eps 1e-10 (PyTorch's defaults). */
    public static GradientTransformation adagrad(double learningRate) {
        return adagrad(learningRate, 0, 0, 1e-10);
    }

    /**
     * Adagrad (PyTorch's): {@code chain(scaleByAdagrad(initialAccumulator, eps),
     * scaleByLearningRate(inverseTime(lr, lrDecay)))}, i.e. a rate of {@code lr / (1 + (t - 1) lrDecay)} at update t.
     */
    public static GradientTransformation adagrad(double learningRate, double lrDecay, double initialAccumulator,
                                                 double eps) {
        return GradientTransformation.chain(scaleByAdagrad(initialAccumulator, eps),
                scaleByLearningRate(LearningRateSchedule.inverseTime(learningRate, lrDecay)));
    }

    // ---------------------------------------------------------------- helpers

    /** A transformation without state applied leaf by leaf, with the parameter of the leaf (or null). */
    private abstract static class Stateless implements GradientTransformation {
        private final String name;

        Stateless(String name) {
            this.name = name;
        }

        abstract Tensor apply(Tensor update, Tensor param);

        boolean needsParams() {
            return false;
        }

        @Override
        public Object init(Object params) {
            return new EmptyState();
        }

        @Override
        public <T> Update<T> update(T updates, Object state, T params) {
            Tree.Flat u = Tree.flatten(updates);
            List<Tensor> p;
            if (needsParams()) {
                if (params == null) {
                    throw new IllegalArgumentException(name + ": needs the parameters; pass them to update");
                }
                p = leavesLike(name, "parameter", params, u.def());
            } else {
                p = null;
            }
            List<Tensor> out = new ArrayList<>(u.leaves().size());
            for (int i = 0; i < u.leaves().size(); i++) {
                out.add(apply(u.leaves().get(i), p == null ? null : p.get(i)));
            }
            return new Update<>(u.def().unflatten(out), state);
        }
    }

    /** {@code u -> (+/-) schedule(count) u}. */
    private record ScaleBySchedule(LearningRateSchedule schedule, boolean descend) implements GradientTransformation {
        @Override
        public Object init(Object params) {
            return new CountState(Tensor.scalar(0, DType.FLOAT64));
        }

        @Override
        public <T> Update<T> update(T updates, Object state, T params) {
            CountState s = cast(descend ? "scaleByLearningRate" : "scaleBySchedule", state, CountState.class);
            Tensor rate = schedule.at(s.count());
            Tensor factor = descend ? rate.neg() : rate;
            return new Update<>(Tree.map(updates, u -> u.mul(factor.to(u.dtype()))), new CountState(s.count().add(1)));
        }
    }

    /** A tree of zeros shaped like {@code params}. */
    static Object zerosLike(Object params) {
        return Tree.map(params, p -> Tensor.zeros(p.dtype(), p.dims()));
    }

    /** The leaves of a state tree, checked to have the structure of the updates. */
    private static List<Tensor> leavesLike(String op, String what, Object tree, TreeDef def) {
        Tree.Flat f = Tree.flatten(tree);
        if (!f.def().equals(def)) {
            throw new IllegalArgumentException(op + ": the " + what + " tree does not have the structure of the "
                    + "updates (was the state made by init for these parameters?): " + f.def() + " vs " + def);
        }
        return f.leaves();
    }

    private static <S> S cast(String op, Object state, Class<S> type) {
        if (!type.isInstance(state)) {
            throw new IllegalArgumentException(op + ": expected its state, a " + type.getSimpleName() + " (what init "
                    + "returns), got " + (state == null ? "null" : "a " + state.getClass().getSimpleName()));
        }
        return type.cast(state);
    }

    private static void checkBeta(String op, String name, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(op + ": " + name + " must be in [0, 1), got " + beta);
        }
    }
}
